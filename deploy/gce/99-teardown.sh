#!/usr/bin/env bash
# Deletes everything the numbered scripts created, in reverse order: load balancer, instance group,
# templates, network rules, Memorystore (OAuth state is lost), secrets, service account, image
# repository. APIs stay enabled. Asks for confirmation unless --yes. Re-running skips what is gone.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ "${1:-}" != "--yes" ]]; then
  [[ -t 0 ]] || die "not a terminal: pass --yes to delete without asking"
  read -r -p "Delete the mcp-front deployment ${NAME} in project ${PROJECT_ID}, Redis data and secrets included? Type the project ID: " answer
  [[ "${answer}" == "${PROJECT_ID}" ]] || die "not confirmed; nothing deleted"
fi

# delete DESCRIBE-ARGS...: "gc compute addresses X --global" becomes describe, then delete.
delete() {
  local -a words=("$@")
  local i
  # The resource name follows the group words; flags follow the name.
  for ((i = 0; i < ${#words[@]}; i++)); do
    [[ "${words[i]}" == --* ]] && break
  done
  local -a group=("${words[@]:0:i-1}") rest=("${words[@]:i-1}")
  if exists gc "${group[@]}" describe "${rest[@]}"; then
    log "deleting ${group[*]} ${rest[0]}"
    gc "${group[@]}" delete "${rest[@]}"
  else
    log "${group[*]} ${rest[0]} is already gone"
  fi
}

delete compute forwarding-rules "${HTTP_FORWARDING_RULE}" --global
delete compute target-http-proxies "${HTTP_PROXY}" --global
delete compute url-maps "${REDIRECT_URL_MAP}" --global
delete compute forwarding-rules "${HTTPS_FORWARDING_RULE}" --global
delete compute target-https-proxies "${HTTPS_PROXY}" --global
delete compute url-maps "${URL_MAP}" --global
delete compute ssl-certificates "$(cert_name)" --global
delete compute backend-services "${BACKEND_SERVICE}" --global
delete compute health-checks "${LB_HEALTH_CHECK}" --global
delete compute addresses "${LB_ADDRESS}" --global

delete compute instance-groups managed "${MIG_NAME}" --region="${REGION}"
delete compute health-checks "${AUTOHEAL_HEALTH_CHECK}" --global
while read -r template; do
  [[ -n "${template}" ]] && delete compute instance-templates "${template}"
done < <(gc compute instance-templates list --filter="name ~ ^${INSTANCE_TEMPLATE_PREFIX}-[0-9a-f]{10}$" \
  --format='value(name)')

delete compute routers nats "${NAT}" --router="${ROUTER}" --region="${REGION}"
delete compute routers "${ROUTER}" --region="${REGION}"
delete compute firewall-rules "${FW_IAP_SSH}"
delete compute firewall-rules "${FW_CLUSTER}"
delete compute firewall-rules "${FW_HEALTH_CHECKS}"

delete redis instances "${REDIS_INSTANCE}" --region="${REGION}"
delete secrets "${CLIENT_SECRET_SECRET}"
delete secrets "${CONFIG_SECRET}"

member="serviceAccount:${SA_EMAIL}"
for role in roles/logging.logWriter roles/monitoring.metricWriter roles/compute.viewer; do
  if [[ -n "$(gc projects get-iam-policy "${PROJECT_ID}" --flatten='bindings[].members' \
      --filter="bindings.role=${role} AND bindings.members=${member}" --format='value(bindings.role)')" ]]; then
    log "removing ${role} from ${member}"
    gc projects remove-iam-policy-binding "${PROJECT_ID}" --member="${member}" --role="${role}" \
      --condition=None >/dev/null
  fi
done
delete iam service-accounts "${SA_EMAIL}"
delete artifacts repositories "${AR_REPO}" --location="${REGION}"
log "done"
