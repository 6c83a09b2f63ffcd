#!/usr/bin/env bash
# Creates the instance template: Container-Optimized OS, booted by cloud-init.yaml (a systemd unit
# that fetches the config and secrets from Secret Manager with the VM's metadata-server token, then
# runs the container with host networking and the Docker socket), the Hazelcast config as metadata,
# the network tag for the firewall and the label that Hazelcast's gcp discovery filters on.
# Templates are immutable: the name carries a hash of the content, so a re-run finds the existing
# one and a change (new image, new settings) makes a new one for 08-instance-group.sh to roll out.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

render_template_files
template="$(template_name)"
if exists gc compute instance-templates describe "${template}"; then
  log "instance template ${template} exists"
  exit 0
fi
exists gc artifacts docker images describe "${IMAGE}" || die "image ${IMAGE} does not exist: run 02-image.sh"

network_flags=(--network="${NETWORK}")
if [[ -n "${SUBNET}" ]]; then
  network_flags+=(--subnet="projects/${PROJECT_ID}/regions/${REGION}/subnetworks/${SUBNET}")
fi
log "creating instance template ${template} for ${IMAGE}"
gc compute instance-templates create "${template}" \
  --machine-type="${MACHINE_TYPE}" \
  --image-family=cos-stable --image-project=cos-cloud \
  --boot-disk-size="${BOOT_DISK_SIZE}" --boot-disk-type=pd-balanced \
  "${network_flags[@]}" --no-address \
  --tags="${NETWORK_TAG}" \
  --labels="mcp-front-cluster=${CLUSTER_NAME},app=${NAME}" \
  --service-account="${SA_EMAIL}" --scopes=cloud-platform \
  --shielded-secure-boot --shielded-vtpm --shielded-integrity-monitoring \
  --metadata=google-logging-enabled=true,google-monitoring-enabled=true,enable-oslogin=true \
  --metadata-from-file="user-data=${BUILD_DIR}/cloud-init.yaml,mcp-front-hazelcast=${BUILD_DIR}/hazelcast.yaml"
