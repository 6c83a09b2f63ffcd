#!/usr/bin/env bash
# Creates the regional managed instance group (MIG_SIZE VMs spread over ZONES) with the named port
# http, autohealing on HEALTH_PATH, and a rolling update policy that never takes a VM away before its
# replacement has been ready for MIN_READY_SEC (max unavailable 0). When the group exists and runs
# an older template, starts a rolling update to the current one.
# Uses gcloud beta: min-ready is a beta field of the update policy.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

render_template_files
template="$(template_name)"
exists gc compute instance-templates describe "${template}" || die "template ${template} is missing: run 07-instance-template.sh"

# Autohealing: liveness only, and patient (30 s of failures), so a slow Redis never recreates VMs.
if exists gc compute health-checks describe "${AUTOHEAL_HEALTH_CHECK}" --global; then
  log "health check ${AUTOHEAL_HEALTH_CHECK} exists"
else
  log "creating health check ${AUTOHEAL_HEALTH_CHECK}"
  gc compute health-checks create http "${AUTOHEAL_HEALTH_CHECK}" --global --port="${APP_PORT}" \
    --request-path="${HEALTH_PATH}" --check-interval=10s --timeout=5s --healthy-threshold=2 \
    --unhealthy-threshold=3
fi

# With max unavailable 0 a regional group must be allowed to surge by one VM per zone.
surge="$(zone_count)"
if exists gc compute instance-groups managed describe "${MIG_NAME}" --region="${REGION}"; then
  current="$(gc compute instance-groups managed describe "${MIG_NAME}" --region="${REGION}" \
    --format='value(versions[0].instanceTemplate.basename())')"
  if [[ "${current}" == "${template}" ]]; then
    log "instance group ${MIG_NAME} runs ${template}"
  else
    log "rolling ${MIG_NAME} from ${current} to ${template}"
    gc beta compute instance-groups managed rolling-action start-update "${MIG_NAME}" --region="${REGION}" \
      --version="template=${template}" --type=proactive --max-unavailable=0 --max-surge="${surge}" \
      --min-ready="${MIN_READY_SEC}s" --minimal-action=replace --replacement-method=substitute
  fi
else
  log "creating instance group ${MIG_NAME} (${MIG_SIZE} VMs in ${ZONES})"
  gc beta compute instance-groups managed create "${MIG_NAME}" --region="${REGION}" --zones="${ZONES}" \
    --template="${template}" --size="${MIG_SIZE}" --base-instance-name="${NAME}" \
    --target-distribution-shape=EVEN \
    --health-check="${AUTOHEAL_HEALTH_CHECK}" --initial-delay="${AUTOHEAL_INITIAL_DELAY_SEC}" \
    --update-policy-type=proactive --update-policy-max-unavailable=0 --update-policy-max-surge="${surge}" \
    --update-policy-min-ready="${MIN_READY_SEC}s" --update-policy-minimal-action=replace \
    --update-policy-replacement-method=substitute
fi

named_ports="$(gc compute instance-groups managed get-named-ports "${MIG_NAME}" --region="${REGION}" \
  --format='value(name,port)' | tr '\t' ':')"
if [[ "${named_ports}" == "http:${APP_PORT}" ]]; then
  log "named port http:${APP_PORT} is set"
else
  log "setting named port http:${APP_PORT}"
  gc compute instance-groups managed set-named-ports "${MIG_NAME}" --region="${REGION}" \
    --named-ports="http:${APP_PORT}"
fi
