#!/usr/bin/env bash
# Baseline of B1: the promotion as a CI job does it. A shallow clone, two `sed` edits of qa's
# files, a commit and a push.
#   clone-sed-push.sh <repository URL> <empty work folder> <version>
# BENCH_AUTH_HEADER holds the "Authorization: Basic ..." header given to git with -c http.extraHeader.
set -euo pipefail
url=$1 work=$2 version=$3
auth=(-c "http.extraHeader=${BENCH_AUTH_HEADER}")

git "${auth[@]}" clone --quiet --depth 1 --branch main "$url" "$work"
cd "$work"
sed -i "s/^appVersion: .*/appVersion: \"${version}\"/" envs/qa/Chart.yaml
sed -i "s/^  tag: .*/  tag: \"${version}\"/" envs/qa/values.yaml
git commit --quiet -am "Promote shop to qa: ${version}"
git "${auth[@]}" push --quiet origin HEAD:main
