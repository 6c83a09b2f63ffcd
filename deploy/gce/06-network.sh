#!/usr/bin/env bash
# Firewall rules, and a Cloud Router with NAT for the VMs (they have no external address):
#  - Google's load balancer and health-check ranges to the app port;
#  - Hazelcast and the Vert.x event bus between mcp-front VMs only (by network tag);
#  - optionally SSH through Identity-Aware Proxy.
# NAT gives the VMs outbound internet access: stdio routes pull their images (Docker Hub, npm).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ensure_rule NAME FLAGS...: creates an ingress allow rule on NETWORK unless it exists.
ensure_rule() {
  local rule="$1"
  shift
  if exists gc compute firewall-rules describe "${rule}"; then
    log "firewall rule ${rule} exists"
  else
    log "creating firewall rule ${rule}"
    gc compute firewall-rules create "${rule}" --network="${NETWORK}" --direction=INGRESS --action=ALLOW "$@"
  fi
}

# Where Google Front Ends and health checkers connect from (global external Application LB).
ensure_rule "${FW_HEALTH_CHECKS}" --source-ranges=130.211.0.0/22,35.191.0.0/16 \
  --target-tags="${NETWORK_TAG}" --rules="tcp:${APP_PORT}"
ensure_rule "${FW_CLUSTER}" --source-tags="${NETWORK_TAG}" --target-tags="${NETWORK_TAG}" \
  --rules="tcp:${HAZELCAST_PORT},tcp:${EVENTBUS_PORT}"
if [[ "${IAP_SSH}" == "true" ]]; then
  ensure_rule "${FW_IAP_SSH}" --source-ranges=35.235.240.0/20 --target-tags="${NETWORK_TAG}" --rules=tcp:22
fi

if exists gc compute routers describe "${ROUTER}" --region="${REGION}"; then
  log "router ${ROUTER} exists"
else
  log "creating router ${ROUTER}"
  gc compute routers create "${ROUTER}" --region="${REGION}" --network="${NETWORK}"
fi
if exists gc compute routers nats describe "${NAT}" --router="${ROUTER}" --region="${REGION}"; then
  log "NAT ${NAT} exists"
else
  log "creating NAT ${NAT}"
  gc compute routers nats create "${NAT}" --router="${ROUTER}" --region="${REGION}" \
    --auto-allocate-nat-external-ips --nat-all-subnet-ip-ranges
fi
