# shellcheck shell=bash
# .ci/postgres.sh: a throwaway PostgreSQL server for the tests.
#
# Sourcing this file only defines functions; nothing runs and no shell
# options are changed. Use it from .ci/run (bash, set -euo pipefail) like so:
#
#     . .ci/postgres.sh
#     trap rbac_pg_stop EXIT         # the caller owns its EXIT trap
#     rbac_pg_start                  # installs if needed, initdb, starts
#     cargo test                     # tests read RBAC_PG_URL
#
# rbac_pg_start exports
#     RBAC_PG_URL  host=127.0.0.1 port=<port> user=postgres dbname=postgres
#     PGHOST PGPORT PGUSER           for psql and other libpq tools
# and returns non-zero (after printing the server log) if the server cannot
# be started, so a caller under set -e stops there. rbac_pg_stop stops the
# server and deletes its directory; it is safe to call twice, or when
# rbac_pg_start never ran, and it always returns 0.
#
# Run directly, `bash .ci/postgres.sh selftest` starts a server, queries it,
# stops it and reports how long each step took.
#
# Details:
# - The server binaries come from /usr/lib/postgresql/<highest version>/bin.
#   If there are none, and we are root, `apt-get install postgresql`
#   (Debian) provides them; otherwise this fails with a message.
# - PostgreSQL refuses to run as root, so as root the server runs as the
#   system user "rbacpg" (made here if missing); otherwise as the caller.
# - The cluster lives in a fresh mktemp -d directory (data, log, and the
#   unix socket). It listens on 127.0.0.1 only, on the first free port from
#   54329 up, and trusts every local connection; fsync is off. It is for
#   tests only.
# - Settings from the environment: RBAC_PG_PORT_BASE (first port to try,
#   54329), RBAC_PG_OS_USER (the user to run as when root, rbacpg),
#   RBAC_PG_BINDIR (use these binaries instead of looking for them).

_rbac_pg_say() { printf 'postgres.sh: %s\n' "$*" >&2; }

# Print an error. It returns 0, so that under set -e the caller still gets
# to clean up before its own `return 1`.
_rbac_pg_error() {
	printf 'postgres.sh: ERROR: %s\n' "$*" >&2
}

# Microseconds since the epoch (bash 5's EPOCHREALTIME; whole seconds without it).
_rbac_pg_now() {
	if [[ -n ${EPOCHREALTIME:-} ]]; then
		printf '%s\n' "${EPOCHREALTIME//[!0-9]/}"
	else
		printf '%s000000\n' "$(date +%s)"
	fi
}

# Seconds from microsecond timestamp $1 to $2, as "12.34".
_rbac_pg_secs() {
	local us=$(($2 - $1))
	printf '%d.%02d\n' $((us / 1000000)) $((us % 1000000 / 10000))
}

# Run a command as the server's user, from /, so that the command never
# trips over a working directory that user cannot enter.
_rbac_pg_as() {
	if [[ -n ${_RBAC_PG_RUNAS:-} ]]; then
		if command -v runuser >/dev/null 2>&1; then
			(cd / && runuser -u "$_RBAC_PG_RUNAS" -- "$@")
		else
			(cd / && su -s /bin/bash "$_RBAC_PG_RUNAS" -c "$(printf '%q ' "$@")")
		fi
	else
		(cd / && "$@")
	fi
}

# Install Debian packages quietly; print apt's output only when it fails.
# Sets _RBAC_PG_INSTALL_SECS.
_rbac_pg_apt_install() {
	if [[ $(id -u) -ne 0 ]]; then
		_rbac_pg_error "PostgreSQL is not installed and we are not root: install the Debian package(s) $*"
		return 1
	fi
	command -v apt-get >/dev/null 2>&1 ||
		{ _rbac_pg_error "no apt-get here: install PostgreSQL ($*) by hand"; return 1; }
	local log t0 t1
	log=$(mktemp) || return 1
	t0=$(_rbac_pg_now)
	_rbac_pg_say "installing $* with apt-get ..."
	if ! {
		DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 update &&
			DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 \
				install -y --no-install-recommends "$@"
	} >"$log" 2>&1; then
		cat "$log" >&2
		rm -f -- "$log"
		_rbac_pg_error "apt-get install $* failed (output above)"
		return 1
	fi
	rm -f -- "$log"
	t1=$(_rbac_pg_now)
	_RBAC_PG_INSTALL_SECS=$(_rbac_pg_secs "$t0" "$t1")
	_rbac_pg_say "installed $* in ${_RBAC_PG_INSTALL_SECS}s"
}

# Print the directory holding initdb and pg_ctl; nothing (and status 1) if none.
_rbac_pg_find_bindir() {
	if [[ -n ${RBAC_PG_BINDIR:-} ]]; then
		if [[ -x $RBAC_PG_BINDIR/initdb && -x $RBAC_PG_BINDIR/pg_ctl ]]; then
			printf '%s\n' "$RBAC_PG_BINDIR"
			return 0
		fi
		_rbac_pg_error "RBAC_PG_BINDIR=$RBAC_PG_BINDIR has no initdb and pg_ctl"
		return 1
	fi
	local d v best=
	for d in /usr/lib/postgresql/*/bin; do
		[[ -x $d/initdb && -x $d/pg_ctl ]] || continue
		v=${d%/bin}
		v=${v##*/}
		if [[ -z $best ]] || [[ $(printf '%s\n%s\n' "$best" "$v" | sort -V | tail -n 1) == "$v" ]]; then
			best=$v
		fi
	done
	if [[ -n $best ]]; then
		printf '%s\n' "/usr/lib/postgresql/$best/bin"
		return 0
	fi
	# Not Debian's layout: take them from PATH, if both are there.
	local initdb pg_ctl
	initdb=$(command -v initdb 2>/dev/null) || return 1
	pg_ctl=$(command -v pg_ctl 2>/dev/null) || return 1
	initdb=$(readlink -f -- "$initdb")
	pg_ctl=$(readlink -f -- "$pg_ctl")
	[[ ${initdb%/*} == "${pg_ctl%/*}" ]] || return 1
	printf '%s\n' "${pg_ctl%/*}"
}

# Set _RBAC_PG_BIN, installing PostgreSQL first if it is missing.
_rbac_pg_ensure_installed() {
	local bin
	if bin=$(_rbac_pg_find_bindir); then
		_RBAC_PG_BIN=$bin
		return 0
	fi
	[[ -z ${RBAC_PG_BINDIR:-} ]] || return 1
	_rbac_pg_apt_install postgresql || return 1
	bin=$(_rbac_pg_find_bindir) ||
		{ _rbac_pg_error "installed postgresql, but found no initdb/pg_ctl under /usr/lib/postgresql/*/bin"; return 1; }
	_RBAC_PG_BIN=$bin
}

# Set _RBAC_PG_RUNAS: empty when not root, else the system user to run as
# (made here if missing).
_rbac_pg_ensure_user() {
	if [[ $(id -u) -ne 0 ]]; then
		_RBAC_PG_RUNAS=
		return 0
	fi
	local user=${RBAC_PG_OS_USER:-rbacpg}
	if ! id -u "$user" >/dev/null 2>&1; then
		# A concurrent run may make the user first; that is fine.
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin --comment 'PostgreSQL for rbac-profiles CI' \
			"$user" >/dev/null 2>&1 || true
		id -u "$user" >/dev/null 2>&1 || { _rbac_pg_error "could not create system user $user"; return 1; }
	fi
	_RBAC_PG_RUNAS=$user
}

# Status 0 if something already uses TCP port $1 on this machine.
_rbac_pg_port_busy() {
	local out
	if command -v ss >/dev/null 2>&1; then
		out=$(ss -Hltn "sport = :$1" 2>/dev/null) || out=
		[[ -z $out ]] || return 0
	fi
	if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
		return 0
	fi
	return 1
}

_rbac_pg_show_file() { # title, file
	[[ -s $2 ]] || return 0
	printf '%s\n' "----- $1 ($2) -----" >&2
	cat -- "$2" >&2 || true
	printf '%s\n' "----- end of $1 -----" >&2
}

rbac_pg_start() {
	if [[ -n ${_RBAC_PG_DIR:-} && -f $_RBAC_PG_DIR/data/postmaster.pid ]] &&
		_rbac_pg_as "$_RBAC_PG_BIN/pg_ctl" -D "$_RBAC_PG_DIR/data" status >/dev/null 2>&1; then
		_rbac_pg_say "already running on 127.0.0.1:${PGPORT:-?} ($_RBAC_PG_DIR)"
		return 0
	fi
	local t0 t1 dir port tries=0
	t0=$(_rbac_pg_now)
	[[ ${RBAC_PG_PORT_BASE:-54329} =~ ^[1-9][0-9]{0,4}$ ]] ||
		{ _rbac_pg_error "RBAC_PG_PORT_BASE=${RBAC_PG_PORT_BASE} is not a port number"; return 1; }
	_rbac_pg_ensure_installed || return 1
	_rbac_pg_ensure_user || return 1

	# As root the directory must be outside a possibly private $TMPDIR, and
	# the socket path must stay short (a unix socket path has 107 bytes).
	dir=$(mktemp -d /tmp/rbac-pg.XXXXXXXX) || { _rbac_pg_error "mktemp -d failed"; return 1; }
	_RBAC_PG_DIR=$dir
	if [[ -n $_RBAC_PG_RUNAS ]]; then
		chown -- "$_RBAC_PG_RUNAS:" "$dir" || { _rbac_pg_error "chown $dir failed"; rbac_pg_stop; return 1; }
	fi

	if ! _rbac_pg_as "$_RBAC_PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust \
		--encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
		_rbac_pg_show_file "initdb output" "$dir/initdb.log"
		_rbac_pg_error "initdb failed (output above)"
		rbac_pg_stop
		return 1
	fi
	# Loopback only: no other host may connect, and nothing asks for a password.
	printf '%s\n' \
		'local all all trust' \
		'host  all all 127.0.0.1/32 trust' >"$dir/data/pg_hba.conf"
	printf '%s\n' \
		'' \
		'# .ci/postgres.sh: a throwaway server for tests' \
		"listen_addresses = '127.0.0.1'" \
		"unix_socket_directories = '$dir'" \
		'fsync = off' \
		'synchronous_commit = off' \
		'full_page_writes = off' >>"$dir/data/postgresql.conf"

	# The first free port from the base. Another process may take a port
	# between the check and the bind; then the server fails to bind, and we
	# try the next port.
	port=${RBAC_PG_PORT_BASE:-54329}
	while :; do
		if ((tries >= 100)); then
			_rbac_pg_error "no free port in 100 tries from ${RBAC_PG_PORT_BASE:-54329}"
			rbac_pg_stop
			return 1
		fi
		tries=$((tries + 1))
		if _rbac_pg_port_busy "$port"; then
			port=$((port + 1))
			continue
		fi
		rm -f -- "$dir/server.log"
		if _rbac_pg_as "$_RBAC_PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
			-o "-p $port" -w -t 60 -s start >"$dir/pg_ctl.log" 2>&1; then
			break
		fi
		if grep -q -e 'Address already in use' -e 'could not create any TCP/IP sockets' \
			"$dir/server.log" 2>/dev/null; then
			_rbac_pg_say "port $port was taken meanwhile, trying the next"
			_rbac_pg_as "$_RBAC_PG_BIN/pg_ctl" -D "$dir/data" -m immediate -s stop >/dev/null 2>&1 || true
			port=$((port + 1))
			continue
		fi
		_rbac_pg_show_file "pg_ctl output" "$dir/pg_ctl.log"
		_rbac_pg_show_file "server log" "$dir/server.log"
		_rbac_pg_error "the PostgreSQL server did not start (output above)"
		rbac_pg_stop
		return 1
	done

	export RBAC_PG_URL="host=127.0.0.1 port=$port user=postgres dbname=postgres"
	export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres
	t1=$(_rbac_pg_now)
	_rbac_pg_say "PostgreSQL $("$_RBAC_PG_BIN/pg_ctl" --version | awk '{print $3}') up on 127.0.0.1:$port in $(_rbac_pg_secs "$t0" "$t1")s ($dir)"
}

rbac_pg_stop() {
	local dir=${_RBAC_PG_DIR:-} pid what=removed
	[[ -n $dir ]] || return 0
	if [[ -f $dir/data/postmaster.pid && -n ${_RBAC_PG_BIN:-} ]]; then
		what='stopped the PostgreSQL server and removed'
		if ! _rbac_pg_as "$_RBAC_PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 -s stop >/dev/null 2>&1; then
			_rbac_pg_say "pg_ctl stop -m fast failed; stopping it with -m immediate"
			if ! _rbac_pg_as "$_RBAC_PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 10 -s stop >/dev/null 2>&1; then
				pid=$(head -n 1 -- "$dir/data/postmaster.pid" 2>/dev/null) || pid=
				if [[ $pid =~ ^[0-9]+$ ]]; then
					_rbac_pg_say "killing the server (pid $pid)"
					kill -KILL "$pid" 2>/dev/null || true
				fi
			fi
		fi
	fi
	# Never remove anything but a directory this file made.
	case $dir in
	/tmp/rbac-pg.*) rm -rf -- "$dir" || _rbac_pg_say "could not remove $dir" ;;
	esac
	_RBAC_PG_DIR=
	unset RBAC_PG_URL PGHOST PGPORT PGUSER
	_rbac_pg_say "$what $dir"
	return 0
}

# bash .ci/postgres.sh selftest
_rbac_pg_selftest() {
	local t0 t1 t_all psql out
	t_all=$(_rbac_pg_now)
	trap rbac_pg_stop EXIT

	t0=$(_rbac_pg_now)
	_rbac_pg_ensure_installed
	if command -v psql >/dev/null 2>&1; then
		psql=psql
	elif [[ -x $_RBAC_PG_BIN/psql ]]; then
		psql=$_RBAC_PG_BIN/psql
	else
		_rbac_pg_apt_install postgresql-client
		psql=psql
	fi
	t1=$(_rbac_pg_now)
	local s_install s_start s_version s_table s_stop
	s_install=$(_rbac_pg_secs "$t0" "$t1")

	t0=$(_rbac_pg_now)
	rbac_pg_start
	t1=$(_rbac_pg_now)
	s_start=$(_rbac_pg_secs "$t0" "$t1")

	t0=$(_rbac_pg_now)
	out=$("$psql" "$RBAC_PG_URL" -X -q -A -t -v ON_ERROR_STOP=1 -c 'select version()')
	t1=$(_rbac_pg_now)
	s_version=$(_rbac_pg_secs "$t0" "$t1")
	_rbac_pg_say "select version(): $out"

	t0=$(_rbac_pg_now)
	out=$("$psql" -X -q -A -t -v ON_ERROR_STOP=1 <<-'SQL'
		create table rbac_selftest (id int primary key, name text not null);
		insert into rbac_selftest select g, 'role ' || g from generate_series(1, 1000) g;
		select count(*) from rbac_selftest;
	SQL
	)
	t1=$(_rbac_pg_now)
	s_table=$(_rbac_pg_secs "$t0" "$t1")
	[[ $out == 1000 ]] || { _rbac_pg_error "expected 1000 rows, got: $out"; return 1; }

	local dir=$_RBAC_PG_DIR
	t0=$(_rbac_pg_now)
	rbac_pg_stop
	t1=$(_rbac_pg_now)
	s_stop=$(_rbac_pg_secs "$t0" "$t1")
	trap - EXIT
	[[ ! -e $dir ]] || { _rbac_pg_error "$dir is still there after rbac_pg_stop"; return 1; }

	printf '%s\n' \
		"selftest passed" \
		"  install check (and install, if any): ${s_install}s" \
		"  rbac_pg_start (initdb + start):      ${s_start}s" \
		"  psql select version():               ${s_version}s" \
		"  psql create table + 1000 rows:       ${s_table}s" \
		"  rbac_pg_stop (stop + rm -rf):        ${s_stop}s" \
		"  total:                               $(_rbac_pg_secs "$t_all" "$(_rbac_pg_now)")s" >&2
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -euo pipefail
	case ${1:-} in
	selftest) _rbac_pg_selftest ;;
	*)
		printf 'usage: bash %s selftest    (or source it: see the comment at its top)\n' "$0" >&2
		exit 2
		;;
	esac
fi
