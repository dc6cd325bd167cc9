#!/usr/bin/env python3
"""Bolt task: resend DigiCert DCV emails through taskhost.

Bolt sends the parameters as one JSON object on stdin (input_method stdin), with "_noop": true
under --noop. This runs `taskhost run --spec -` (a dry run for noop) and prints taskhost's
outcome as the task's JSON result. A failure exits 1 and prints {"_error": {"kind", "msg",
"details"}}, which Bolt shows as the task's error: kind is "taskhost/<error kind>" (e.g.
taskhost/not_found), details the whole outcome. The API key never passes through Bolt: taskhost
reads it from the account in its own config.
"""
import json
import subprocess
import sys

PLUGIN_PARAMS = ("domain_id", "domain", "name_scope", "locale", "email_array",
                 "skip_if_validated", "revalidate_within", "check_recipients",
                 "strict_recipients")
MAX_INPUT = 1024 * 1024


def error(kind, msg, details=None):
    print(json.dumps({"_error": {"kind": kind, "msg": msg, "details": details or {}}}))
    return 1


def command(args):
    cmd = [args.get("taskhost_binary") or "/usr/bin/taskhost", "run", "--spec", "-"]
    cmd += ["--config", args.get("taskhost_config") or "/etc/taskhost/config.json"]
    if args.get("taskhost_socket"):
        cmd += ["--socket", args["taskhost_socket"]]
    return cmd


def spec(args):
    out = {"task": "digicert.dcv.resend", "dry_run": bool(args.get("_noop", False)),
           "params": {k: args[k] for k in PLUGIN_PARAMS if args.get(k) is not None}}
    for key in ("account", "resend_interval"):
        if args.get(key):
            out[key] = args[key]
    if args.get("_task"):
        out["id"] = "bolt:" + str(args["_task"])[:100]
    return out


def main():
    raw = sys.stdin.read(MAX_INPUT + 1)
    if len(raw) > MAX_INPUT:
        return error("taskhost/invalid_input", "the task's input is larger than 1 MiB")
    try:
        args = json.loads(raw or "{}")
    except ValueError as e:
        return error("taskhost/invalid_input", "the task's input is not JSON: %s" % e)
    if not isinstance(args, dict):
        return error("taskhost/invalid_input", "the task's input is not a JSON object")
    try:
        ran = subprocess.run(command(args), input=json.dumps(spec(args)), capture_output=True,
                             text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        return error("taskhost/not_run", "taskhost could not run: %s" % e)
    sys.stderr.write(ran.stderr)
    try:
        outcome = json.loads(ran.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return error("taskhost/not_run", "taskhost printed no outcome (exit %d)" % ran.returncode,
                     {"stderr": ran.stderr[-2000:]})
    if ran.returncode != 0 or outcome.get("failed"):
        err = outcome.get("error") or {}
        return error("taskhost/" + str(err.get("kind", "failed")),
                     outcome.get("msg", "taskhost failed"), outcome)
    print(json.dumps(outcome))
    return 0


if __name__ == "__main__":
    sys.exit(main())
