#!/usr/bin/env bash
# Second baseline of B1, the fairest floor: a clone kept between runs, brought up to date, two
# `sed` edits of qa's files, a commit and a push.
#   warm-sed-push.sh <clone> <version>
# BENCH_AUTH_HEADER holds the "Authorization: Basic ..." header given to git with -c http.extraHeader.
set -euo pipefail
work=$1 version=$2
auth=(-c "http.extraHeader=${BENCH_AUTH_HEADER}")

cd "$work"
git "${auth[@]}" fetch --quiet origin main
git reset --quiet --hard origin/main
sed -i "s/^appVersion: .*/appVersion: \"${version}\"/" envs/qa/Chart.yaml
sed -i "s/^  tag: .*/  tag: \"${version}\"/" envs/qa/values.yaml
git commit --quiet -am "Promote shop to qa: ${version}"
git "${auth[@]}" push --quiet origin HEAD:main
