# bash completion for synwatch(8)                          -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0

_synwatch_filter_words='state exclude sport dport src dst'
_synwatch_states='closed listen syn-sent syn-recv established fin-wait-1 fin-wait-2 close-wait closing last-ack time-wait all half-open teardown connected'
_synwatch_events='new state destroy flood-start flood-update flood-end conn alert all'
_synwatch_config_keys='timeout.closed timeout.listen timeout.syn_sent timeout.syn_recv timeout.established timeout.fin_wait_1 timeout.fin_wait_2 timeout.close_wait timeout.closing timeout.last_ack timeout.time_wait event_mask max_conns max_conns_global flood.half_open_high flood.half_open_low flood.rate_high flood.rate_low flood.completion_pct flood.hold_ms flood.update_ms'

# Completes filter words and what follows them.
_synwatch_filter()
{
	local cur=$1 prev=$2
	case $prev in
	state | exclude)
		COMPREPLY=($(compgen -W "$_synwatch_states" -- "$cur"))
		return ;;
	sport | dport)
		COMPREPLY=($(compgen -W '= != < <= > >=' -- "$cur"))
		return ;;
	src | dst | '=' | '!=' | '<' | '<=' | '>' | '>=')
		return ;;
	esac
	COMPREPLY=($(compgen -W "$_synwatch_filter_words" -- "$cur"))
}

_synwatch()
{
	local cur prev words cword
	_init_completion || return

	local cmd i
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-N | --netns) ((i++)) ;;
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done

	case $prev in
	-N | --netns)
		COMPREPLY=($(compgen -W "$(ip netns list 2>/dev/null | cut -d' ' -f1)" -- "$cur"))
		return ;;
	esac

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-j --json -N --netns -h --help' -- "$cur"))
		else
			COMPREPLY=($(compgen -W 'stats conns listeners monitor top config flush help' -- "$cur"))
		fi
		return
	fi

	local common='-j --json -N --netns -h --help'
	case $cmd in
	stats)
		COMPREPLY=($(compgen -W "reset --reset $common" -- "$cur")) ;;
	listeners)
		COMPREPLY=($(compgen -W "$common" -- "$cur")) ;;
	conns | flush)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-4 -6 -e --extended $common" -- "$cur"))
		else
			_synwatch_filter "$cur" "$prev"
		fi ;;
	monitor)
		case $prev in
		-e | --events)
			# comma lists: complete the last element
			local pre=${cur%,*} last=${cur##*,}
			[[ $pre == "$cur" ]] && pre= || pre+=,
			COMPREPLY=($(compgen -P "$pre" -W "$_synwatch_events" -- "$last"))
			compopt -o nospace
			return ;;
		-b | --buffer-size | -c | --count | -t | --timeout)
			return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-4 -6 -e --events --multicast -b --buffer-size -c --count -t --timeout $common" -- "$cur"))
		else
			_synwatch_filter "$cur" "$prev"
		fi ;;
	top)
		case $prev in -d | --interval | -n | --iterations) return ;; esac
		COMPREPLY=($(compgen -W "-d --interval -n --iterations $common" -- "$cur")) ;;
	config)
		local action=${words[i + 1]}
		if ((cword == i + 1)); then
			COMPREPLY=($(compgen -W "get set $common" -- "$cur"))
		elif [[ $action == set ]]; then
			if [[ $cur == event_mask=* ]]; then
				local v=${cur#event_mask=} pre last
				pre=${v%,*} last=${v##*,}
				[[ $pre == "$v" ]] && pre= || pre+=,
				COMPREPLY=($(compgen -P "event_mask=$pre" -W "$_synwatch_events none" -- "$last"))
			else
				COMPREPLY=($(compgen -S = -W "${_synwatch_config_keys/max_conns_global/}" -- "$cur"))
			fi
			compopt -o nospace
		else
			COMPREPLY=($(compgen -W "$_synwatch_config_keys" -- "$cur"))
		fi ;;
	help)
		COMPREPLY=($(compgen -W 'stats conns listeners monitor top config flush' -- "$cur")) ;;
	esac
} &&
	complete -F _synwatch synwatch

# ex: filetype=sh
