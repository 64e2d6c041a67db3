# Bash completion for flowrunner. Load it with `source flowrunner.bash` (or copy it to /etc/bash_completion.d/flowrunner).
# It asks flowrunner itself for the candidates (System.CommandLine's [suggest] directive), so commands, options and option
# values (--format table|csv|json, --executor local|slurm) follow the installed version; where it has none, file names.
_flowrunner_complete()
{
    local cur="${COMP_WORDS[COMP_CWORD]}"
    local program="${COMP_WORDS[0]}"
    local args="${COMP_LINE#"$program"}"
    args="${args# }"
    local position=$(( COMP_POINT - (${#COMP_LINE} - ${#args}) ))
    (( position < 0 )) && position=0
    local candidates
    candidates="$("$program" "[suggest:${position}]" "${args}" 2>/dev/null)"
    COMPREPLY=()
    if [[ -n "$candidates" ]]; then
        local IFS=$'\n'
        COMPREPLY=( $(compgen -W "${candidates}" -- "${cur}") )
    fi
    if (( ${#COMPREPLY[@]} == 0 )) && [[ "$cur" != -* ]]; then
        local IFS=$'\n'
        COMPREPLY=( $(compgen -f -- "${cur}") )
    fi
}
complete -o filenames -F _flowrunner_complete flowrunner
