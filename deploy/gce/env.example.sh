#!/usr/bin/env bash
# shellcheck disable=SC2034  # the scripts that source this file use the values
# Every name and setting of the GCE deployment. Copy to env.sh (gitignored) and edit:
#   cp deploy/gce/env.example.sh deploy/gce/env.sh
# lib.sh sources env.sh; every script takes its names from here. Keep one assignment per line,
# NAME="value": GceDeployFilesTest reads this file too.
set -euo pipefail

# Project and location. ZONES are the MIG's zones (all in REGION); VMs spread evenly across them.
PROJECT_ID="your-gcp-project"
REGION="europe-west1"
ZONES="europe-west1-b,europe-west1-c"

# Public host name of mcp-front: the issuer is https://${DOMAIN}; Claude.ai connects to
# https://${DOMAIN}/<route>/mcp. Its DNS A record must point at the address 09-load-balancer.sh prints.
DOMAIN="mcp.example.com"
# Route hosts (routes[].host in mcp-front.yaml), separated by spaces, e.g. "notion.mcp.example.com
# github.mcp.example.com": each needs a DNS A record to the same address; the certificate covers them all.
ROUTE_DOMAINS=""
# Google Workspace domain whose users may sign in (oauth.allowed_domains in mcp-front.yaml).
ALLOWED_DOMAIN="example.com"
# The OAuth client (web application) from the Google Cloud console, see README.md. The client ID is
# not secret and goes into the instance template; the secret goes only to Secret Manager.
GOOGLE_CLIENT_ID="1234567890-abc.apps.googleusercontent.com"
# Leave empty: 04-secrets.sh then asks for it (never stored in this file). Set it only for automation.
GOOGLE_CLIENT_SECRET=""

# Prefix of every resource name below.
NAME="mcp-front"
# Value of the VM label mcp-front-cluster: Hazelcast's gcp discovery joins only VMs that carry it.
CLUSTER_NAME="${NAME}"

# VPC shared by the VMs and Memorystore. SUBNET: empty on an auto-mode network (the region's subnet).
NETWORK="default"
SUBNET=""
# Network tag of the VMs: the firewall rules below apply to it.
NETWORK_TAG="${NAME}"

# Container image: Artifact Registry repository; the tag is the git commit unless IMAGE_TAG is set.
AR_REPO="${NAME}"
IMAGE_TAG=""

# VMs.
MACHINE_TYPE="e2-standard-2"
BOOT_DISK_SIZE="30GB"
MIG_SIZE="2"
SERVICE_ACCOUNT_NAME="${NAME}"
INSTANCE_TEMPLATE_PREFIX="${NAME}"
MIG_NAME="${NAME}-mig"

# mcp-front's listening port and liveness path: must equal server.port / server.health_path of the
# config (the config reads PORT from the container environment; GceDeployFilesTest checks the path).
APP_PORT="8080"
HEALTH_PATH="/health"
# Readiness (fixed in mcp-front): the load balancer sends traffic only to instances whose store answers.
READY_PATH="/ready"
# Hazelcast member port, and the Vert.x event bus port (fixed so that a firewall rule can name it).
HAZELCAST_PORT="5701"
EVENTBUS_PORT="5710"

# Memorystore for Redis (OAuth clients, codes, refresh tokens). basic: one node, no replica, cheapest;
# standard: replica and automatic failover.
REDIS_INSTANCE="${NAME}-redis"
REDIS_TIER="basic"
REDIS_SIZE_GB="1"
REDIS_VERSION="redis_7_0"

# Secret Manager secrets.
CONFIG_SECRET="${NAME}-config"
CLIENT_SECRET_SECRET="${NAME}-google-client-secret"
# The config uploaded to CONFIG_SECRET (relative to the repository root).
CONFIG_FILE="deploy/gce/mcp-front.yaml"

# Load balancer. BACKEND_TIMEOUT_SEC bounds the whole life of one response, SSE streams included:
# the 30 s default would cut every stream after 30 s (see README.md); at least 3600.
BACKEND_TIMEOUT_SEC="86400"
# How long the load balancer lets requests on a leaving VM finish (mcp-front drains for 30 s).
DRAIN_TIMEOUT_SEC="60"
# A new VM must be ready this long before a rolling update takes the next old one away.
MIN_READY_SEC="60"
# First health verdict after a VM boots (image pull, JVM start, Hazelcast join).
AUTOHEAL_INITIAL_DELAY_SEC="180"
BACKEND_SERVICE="${NAME}-backend"
LB_HEALTH_CHECK="${NAME}-lb-hc"
AUTOHEAL_HEALTH_CHECK="${NAME}-autoheal-hc"
URL_MAP="${NAME}-url-map"
SSL_CERT="${NAME}-cert"
HTTPS_PROXY="${NAME}-https-proxy"
HTTPS_FORWARDING_RULE="${NAME}-https"
LB_ADDRESS="${NAME}-ip"
# "true": port 80 answers with a redirect to https.
HTTP_REDIRECT="true"
REDIRECT_URL_MAP="${NAME}-http-redirect"
HTTP_PROXY="${NAME}-http-proxy"
HTTP_FORWARDING_RULE="${NAME}-http"

# Firewall rules, Cloud Router and NAT (VMs have no external address; NAT lets stdio routes pull
# images from Docker Hub). "true" adds SSH through Identity-Aware Proxy (gcloud compute ssh --tunnel-through-iap).
FW_HEALTH_CHECKS="${NAME}-allow-lb-health-checks"
FW_CLUSTER="${NAME}-allow-cluster"
FW_IAP_SSH="${NAME}-allow-iap-ssh"
IAP_SSH="true"
ROUTER="${NAME}-router"
NAT="${NAME}-nat"
