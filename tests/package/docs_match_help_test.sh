#!/bin/bash
# PackageDocsMatchHelp: the man page and the bash completion know every command that
# `taskhost --help` lists and every flag that each command's --help shows, so neither drifts
# from the code: a new command or flag fails here until both are updated.
#   docs_match_help_test.sh TASKHOST_BINARY MAN_PAGE_SOURCE BASH_COMPLETION
source "$(dirname "$0")/package_lib.sh"
taskhost=$1 man_page=$2 completion=$3

roff() { sed 's/-/\\-/g' <<<"$1"; }
flags_in() { grep -o -- '--[a-z][a-z-]*[a-z]' | sort -u; }

problems=()
commands=$("$taskhost" --help | sed -n '/^commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p')
[[ -n $commands ]] || fail "found no commands in taskhost --help"
for flag in $("$taskhost" --help | flags_in); do
    grep -qF -- "$(roff "$flag")" "$man_page" || problems+=("man page: no $flag (taskhost --help)")
done
completion_commands=$(sed -n 's/^ *local commands="\(.*\)"$/\1/p' "$completion")
for command in $commands; do
    grep -qw -- "$command" <<<"$completion_commands" || problems+=("completion: no command $command")
    grep -q "^\.B taskhost $command\b" "$man_page" || problems+=("man page: no synopsis of taskhost $command")
    [[ $command == help ]] && continue
    # The command's own branch of the completion: from "    run)" to its ";;".
    branch=$(sed -n "/^ *$command)\$/,/^ *;;\$/p" "$completion")
    [[ -n $branch ]] || problems+=("completion: no branch for $command")
    for flag in $("$taskhost" "$command" --help | flags_in); do
        grep -qF -- "$(roff "$flag")" "$man_page" || problems+=("man page: no $flag (taskhost $command --help)")
        grep -qw -- "$flag" <<<"$branch" || problems+=("completion: $command has no $flag")
    done
done
if ((${#problems[@]})); then
    printf '%s\n' "${problems[@]}" >&2
    fail "update host/dist/man/taskhost.1 and host/dist/bash-completion/taskhost"
fi
echo "man page and completion cover: $(tr '\n' ' ' <<<"$commands")"
