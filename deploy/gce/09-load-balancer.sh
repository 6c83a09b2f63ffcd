#!/usr/bin/env bash
# Creates the global external Application Load Balancer in front of the instance group:
# static IP, readiness health check, backend service, Google-managed certificate for DOMAIN, URL
# map, target HTTPS proxy, forwarding rule on 443, and (HTTP_REDIRECT=true) port 80 redirecting to
# https. Backend service settings that matter for MCP:
#  - timeout BACKEND_TIMEOUT_SEC: on this load balancer the backend timeout bounds the whole
#    response, not the idle time. An SSE stream (legacy /sse, Streamable HTTP GET and streamed POST
#    answers) is one long response, so the 30 s default would cut every stream after 30 s.
#  - no session affinity: a request may land on any VM; mcp-front reaches the VM that owns the
#    session over its clustered event bus.
#  - connection draining DRAIN_TIMEOUT_SEC: a VM leaving in a rolling update keeps its requests that
#    long (mcp-front itself drains for up to 30 s after SIGTERM).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if exists gc compute addresses describe "${LB_ADDRESS}" --global; then
  log "address ${LB_ADDRESS} exists"
else
  log "reserving global address ${LB_ADDRESS}"
  gc compute addresses create "${LB_ADDRESS}" --global --ip-version=IPV4
fi
ip="$(gc compute addresses describe "${LB_ADDRESS}" --global --format='value(address)')"

# Readiness: traffic goes only to VMs whose Redis answers.
if exists gc compute health-checks describe "${LB_HEALTH_CHECK}" --global; then
  log "health check ${LB_HEALTH_CHECK} exists"
else
  log "creating health check ${LB_HEALTH_CHECK}"
  gc compute health-checks create http "${LB_HEALTH_CHECK}" --global --port="${APP_PORT}" \
    --request-path="${READY_PATH}" --check-interval=5s --timeout=5s --healthy-threshold=2 \
    --unhealthy-threshold=2
fi

if exists gc compute backend-services describe "${BACKEND_SERVICE}" --global; then
  log "backend service ${BACKEND_SERVICE} exists"
  settings="$(gc compute backend-services describe "${BACKEND_SERVICE}" --global \
    --format='value(timeoutSec,connectionDraining.drainingTimeoutSec,sessionAffinity)')"
  if [[ "${settings}" != "${BACKEND_TIMEOUT_SEC}"$'\t'"${DRAIN_TIMEOUT_SEC}"$'\t'"NONE" ]]; then
    log "updating timeout, draining and affinity of ${BACKEND_SERVICE}"
    gc compute backend-services update "${BACKEND_SERVICE}" --global --timeout="${BACKEND_TIMEOUT_SEC}" \
      --connection-draining-timeout="${DRAIN_TIMEOUT_SEC}" --session-affinity=NONE
  fi
else
  log "creating backend service ${BACKEND_SERVICE}"
  gc compute backend-services create "${BACKEND_SERVICE}" --global --load-balancing-scheme=EXTERNAL_MANAGED \
    --protocol=HTTP --port-name=http --health-checks="${LB_HEALTH_CHECK}" --global-health-checks \
    --timeout="${BACKEND_TIMEOUT_SEC}" --connection-draining-timeout="${DRAIN_TIMEOUT_SEC}" \
    --session-affinity=NONE --enable-logging --logging-sample-rate=1.0
fi
backends="$(gc compute backend-services describe "${BACKEND_SERVICE}" --global \
  --format='value(backends[].group.basename())')"
if [[ ";${backends};" == *";${MIG_NAME};"* ]]; then
  log "instance group ${MIG_NAME} is a backend"
else
  log "adding instance group ${MIG_NAME} as a backend"
  gc compute backend-services add-backend "${BACKEND_SERVICE}" --global --instance-group="${MIG_NAME}" \
    --instance-group-region="${REGION}" --balancing-mode=UTILIZATION --max-utilization=0.8
fi

# Google-managed: becomes ACTIVE once every name resolves to the address (15 to 60 minutes after DNS).
# DOMAIN and the route hosts share one certificate; a changed ROUTE_DOMAINS makes a new one (cert_name).
cert="$(cert_name)"
if exists gc compute ssl-certificates describe "${cert}" --global; then
  log "certificate ${cert} exists"
else
  log "creating managed certificate ${cert} for $(cert_domains)"
  gc compute ssl-certificates create "${cert}" --global --domains="$(cert_domains)"
fi

if exists gc compute url-maps describe "${URL_MAP}" --global; then
  log "URL map ${URL_MAP} exists"
else
  log "creating URL map ${URL_MAP}"
  gc compute url-maps create "${URL_MAP}" --global --default-service="${BACKEND_SERVICE}"
fi
if exists gc compute target-https-proxies describe "${HTTPS_PROXY}" --global; then
  log "HTTPS proxy ${HTTPS_PROXY} exists; serving certificate ${cert}"
  gc compute target-https-proxies update "${HTTPS_PROXY}" --global --ssl-certificates="${cert}"
else
  log "creating HTTPS proxy ${HTTPS_PROXY}"
  gc compute target-https-proxies create "${HTTPS_PROXY}" --global --url-map="${URL_MAP}" \
    --ssl-certificates="${cert}"
fi
if exists gc compute forwarding-rules describe "${HTTPS_FORWARDING_RULE}" --global; then
  log "forwarding rule ${HTTPS_FORWARDING_RULE} exists"
else
  log "creating forwarding rule ${HTTPS_FORWARDING_RULE} (${ip}:443)"
  gc compute forwarding-rules create "${HTTPS_FORWARDING_RULE}" --global \
    --load-balancing-scheme=EXTERNAL_MANAGED --address="${LB_ADDRESS}" \
    --target-https-proxy="${HTTPS_PROXY}" --ports=443
fi

if [[ "${HTTP_REDIRECT}" == "true" ]]; then
  if exists gc compute url-maps describe "${REDIRECT_URL_MAP}" --global; then
    log "URL map ${REDIRECT_URL_MAP} exists"
  else
    log "creating URL map ${REDIRECT_URL_MAP} (http to https)"
    gc compute url-maps import "${REDIRECT_URL_MAP}" --global --source=/dev/stdin <<YAML
name: ${REDIRECT_URL_MAP}
defaultUrlRedirect:
  httpsRedirect: true
  redirectResponseCode: MOVED_PERMANENTLY_DEFAULT
YAML
  fi
  if exists gc compute target-http-proxies describe "${HTTP_PROXY}" --global; then
    log "HTTP proxy ${HTTP_PROXY} exists"
  else
    log "creating HTTP proxy ${HTTP_PROXY}"
    gc compute target-http-proxies create "${HTTP_PROXY}" --global --url-map="${REDIRECT_URL_MAP}"
  fi
  if exists gc compute forwarding-rules describe "${HTTP_FORWARDING_RULE}" --global; then
    log "forwarding rule ${HTTP_FORWARDING_RULE} exists"
  else
    log "creating forwarding rule ${HTTP_FORWARDING_RULE} (${ip}:80)"
    gc compute forwarding-rules create "${HTTP_FORWARDING_RULE}" --global \
      --load-balancing-scheme=EXTERNAL_MANAGED --address="${LB_ADDRESS}" \
      --target-http-proxy="${HTTP_PROXY}" --ports=80
  fi
fi

status="$(gc compute ssl-certificates describe "${cert}" --global --format='value(managed.status)')"
log "point DNS: ${DOMAIN} A ${ip}   (certificate ${cert}: ${status})"
for route_domain in ${ROUTE_DOMAINS:-}; do
  log "point DNS: ${route_domain} A ${ip}"
done
log "then add https://${DOMAIN}/<route>/mcp (or https://<route host>/mcp) as a custom connector in Claude.ai"
log "an earlier certificate for other names, if any, can go once ${cert} is ACTIVE"
