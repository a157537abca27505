# Throwaway PostgreSQL cluster for tests and benchmarks, from the installed server binaries.
# Source this file, then: pg_throwaway_start  -> exports PG_THROWAWAY_URL (superuser URL on 127.0.0.1)
#                         pg_throwaway_stop   (also run on EXIT by pg_throwaway_start)
# Returns 1 from pg_throwaway_start when no PostgreSQL server binaries are installed.

pg_find_bindir() {
    local dir
    for dir in ${PG_BINDIR:-} $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)" && return 0
    return 1
}

pg_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

pg_throwaway_start() {
    local bindir
    bindir=$(pg_find_bindir) || return 1
    PG_THROWAWAY_DIR=$(mktemp -d /tmp/desk-pg.XXXXXX)
    local port
    port=$(pg_free_port)
    local as=""
    # initdb refuses to run as root: run the cluster as the postgres system user then.
    if [ "$(id -u)" = "0" ]; then
        chown postgres "$PG_THROWAWAY_DIR"
        as="runuser -u postgres --"
    fi
    $as "$bindir/initdb" -D "$PG_THROWAWAY_DIR/data" -U postgres --auth=trust -E UTF8 --no-sync >"$PG_THROWAWAY_DIR/initdb.log" 2>&1 || {
        cat "$PG_THROWAWAY_DIR/initdb.log" >&2
        return 1
    }
    $as "$bindir/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -l "$PG_THROWAWAY_DIR/server.log" -w -t 60 \
        -o "-p $port -k $PG_THROWAWAY_DIR -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c max_connections=300" start >/dev/null || {
        cat "$PG_THROWAWAY_DIR/server.log" >&2
        return 1
    }
    PG_THROWAWAY_BINDIR=$bindir
    PG_THROWAWAY_AS=$as
    export PG_THROWAWAY_URL="postgres://postgres@127.0.0.1:$port/postgres"
    trap pg_throwaway_stop EXIT
    return 0
}

pg_throwaway_stop() {
    if [ -n "${PG_THROWAWAY_DIR:-}" ] && [ -d "$PG_THROWAWAY_DIR/data" ]; then
        $PG_THROWAWAY_AS "$PG_THROWAWAY_BINDIR/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$PG_THROWAWAY_DIR"
    fi
    PG_THROWAWAY_DIR=""
}
