#!/usr/bin/env bash
# Runs optgrade's public checks on this assignment folder in CI (GitHub Actions, GitLab CI),
# as github-classroom.yml and gitlab-ci.yml next to this script do.
#
# Needs optgrade on PATH (or $OPTGRADE, the binary's path) and a Python with numpy
# ($OPTGRADE_PYTHON, else python3). $OPTGRADE_RUBRIC_SHA256 pins rubric.yaml: an edited
# rubric fails the run. Writes optgrade-junit.xml, optgrade-summary.md and
# optgrade-classroom.json; appends the summary to $GITHUB_STEP_SUMMARY and the GitHub
# Classroom result (base64) to $GITHUB_OUTPUT as "result" when they are set.
# Exits with optgrade's code: 0 every public check passed, 1 some failed, 2 the rubric was
# edited (or a usage error), 3 the solution could not be graded at all.
set -u
cd "$(dirname "$0")/.."
optgrade="${OPTGRADE:-optgrade}"
pin=()
if [ -n "${OPTGRADE_RUBRIC_SHA256:-}" ]; then
	pin=(--rubric-sha256 "$OPTGRADE_RUBRIC_SHA256")
fi
rm -f optgrade-junit.xml optgrade-summary.md optgrade-classroom.json
"$optgrade" check ${pin[@]+"${pin[@]}"} --color never \
	--report junit=optgrade-junit.xml \
	--report markdown=optgrade-summary.md \
	--report classroom=optgrade-classroom.json .
code=$?
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f optgrade-summary.md ]; then
	cat optgrade-summary.md >>"$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ] && [ -f optgrade-classroom.json ]; then
	echo "result=$(base64 <optgrade-classroom.json | tr -d '\n')" >>"$GITHUB_OUTPUT"
fi
exit "$code"
