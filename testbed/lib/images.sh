# shellcheck shell=bash
# ---------------------------------------------------------------------------------------------
# Images: docker import of rootfs trees assembled from Debian binaries

# What the images are built from; a change rebuilds them all. Every file is named relative to
# TESTBED_SRC (sha256sum prints the names it is given), so two checkouts of one commit agree.
image_inputs_hash() {
  {
    (cd "$TESTBED_SRC" && sha256sum lib/images.sh)
    (cd "$TESTBED_SRC/images" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    (cd "$TESTBED_SRC/images" && find . -printf '%p %m\n' | sort)
    # The Keycloak stand-in's app (testbed/oidc), without the host's node_modules, and the node
    # it runs on.
    (cd "$TESTBED_SRC" && find oidc -path oidc/node_modules -prune -o -type f -print0 | sort -z | xargs -0 sha256sum)
    dpkg-query -W busybox-static caddy sqlite3 restic libc6 nodejs 2>/dev/null
    unpacked_versions
  } | sha256sum | cut -c1-16
}

# rootfs_base DIR: busybox with its applets, /etc basics and /tmp; assembled once per build run
# (BASE_ROOTFS) and copied, since linking ~270 applets one process at a time is slow.
rootfs_base() {
  local root=$1 applet
  if [[ ! -d ${BASE_ROOTFS:-} ]]; then
    BASE_ROOTFS=$(mktemp -d)/root
    mkdir -p "$BASE_ROOTFS"/{bin,usr/bin,usr/local/bin,etc,tmp,root,var/tmp,proc,sys,dev,run}
    chmod 1777 "$BASE_ROOTFS/tmp" "$BASE_ROOTFS/var/tmp"
    cp /usr/bin/busybox "$BASE_ROOTFS/bin/busybox"
    for applet in $(/usr/bin/busybox --list); do
      [[ $applet == busybox ]] || ln -s busybox "$BASE_ROOTFS/bin/$applet"
    done
    cp -a "$TESTBED_SRC/images/busybox/." "$BASE_ROOTFS/"
  fi
  cp -a "$BASE_ROOTFS" "$root"
}

# copy_binary ROOT BINARY: the binary and every shared library ldd lists, at the same paths.
copy_binary() {
  local root=$1 bin=$2
  mkdir -p "$root$(dirname "$bin")"
  cp -L "$bin" "$root$bin"
  copy_libraries "$root" "$bin"
}

# copy_libraries ROOT BINARY: every shared library ldd lists for BINARY, at the host's paths.
copy_libraries() {
  local root=$1 bin=$2 lib
  for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*' || true); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

# Packages whose binaries go into images but must not be installed on the host, where installing
# them would start their service (on port 80, which the gateway publishes): downloaded with
# `apt-get download` into the state dir and unpacked.
readonly UNPACKED_PACKAGES=(lighttpd nginx)
declare -A DEB_TREES=()

unpacked_versions() {
  local package
  for package in "${UNPACKED_PACKAGES[@]}"; do
    apt-cache policy "$package" 2>/dev/null | awk -v p="$package" '/Candidate:/ {print p, $2}'
  done
}

# unpack_deb PACKAGE: Debian's PACKAGE unpacked into ${DEB_TREES[PACKAGE]} (once per build run).
unpack_deb() {
  local package=$1 debs=$STATE/debs
  [[ -d ${DEB_TREES[$package]:-} ]] && return 0
  mkdir -p "$debs"
  if ! compgen -G "$debs/${package}_*.deb" >/dev/null; then
    (cd "$debs" && apt-get download -q "$package" >/dev/null 2>&1) ||
      { apt-get update -q >/dev/null 2>&1 && (cd "$debs" && apt-get download -q "$package" >/dev/null); } ||
      die "cannot download Debian's $package package (apt-get download $package)"
  fi
  DEB_TREES[$package]=$(mktemp -d)
  dpkg-deb -x "$(compgen -G "$debs/${package}_*.deb" | tail -n1)" "${DEB_TREES[$package]}"
}

# The fixture apps are served by Debian's lighttpd: busybox httpd reads Content-Length only for
# POST, so it hands a CGI program of any other method only the body bytes that arrived with the
# headers, and a PUT sent in two writes was stored empty. lighttpd reads the whole body first, for
# every method.
# add_lighttpd ROOT: lighttpd, the modules serve-cgi loads, and serve-cgi itself.
add_lighttpd() {
  local root=$1 module tree
  unpack_deb lighttpd
  tree=${DEB_TREES[lighttpd]}
  mkdir -p "$root/usr/sbin" "$root/usr/lib/lighttpd"
  cp "$tree/usr/sbin/lighttpd" "$root/usr/sbin/lighttpd"
  copy_libraries "$root" "$tree/usr/sbin/lighttpd"
  for module in mod_cgi mod_accesslog; do
    cp "$tree/usr/lib/lighttpd/$module.so" "$root/usr/lib/lighttpd/"
    copy_libraries "$root" "$tree/usr/lib/lighttpd/$module.so"
  done
  cp -a "$TESTBED_SRC/images/lighttpd/." "$root/"
}

# import_rootfs ROOT TAG CHANGE...: docker import the tree as TAG with Dockerfile-style changes.
import_rootfs() {
  local root=$1 tag=$2 change
  shift 2
  local args=(--change "LABEL $TESTBED_LABEL.hash=$IMAGE_HASH"
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
  for change in "$@"; do args+=(--change "$change"); done
  tar --numeric-owner -C "$root" -c . | docker import "${args[@]}" - "$tag" >/dev/null
}

build_image_busybox() {
  rootfs_base "$1/root"
  import_rootfs "$1/root" "$2" 'CMD ["sh"]'
}

build_image_caddy() {
  rootfs_base "$1/root"
  copy_binary "$1/root" /usr/bin/caddy
  mkdir -p "$1/root"/{data,config,etc/caddy}
  import_rootfs "$1/root" "$2" "ENV XDG_DATA_HOME=/data" "ENV XDG_CONFIG_HOME=/config" \
    'CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]'
}

# The gateway's router (see ccci-testbed): nginx reloads without closing its listening socket, so
# a connection waiting to be accepted is never reset.
build_image_nginx() {
  rootfs_base "$1/root"
  unpack_deb nginx
  mkdir -p "$1/root/usr/sbin" "$1/root/etc/nginx" "$1/root/var/lib/nginx" "$1/root/var/log/nginx" "$1/root/var/lock"
  cp "${DEB_TREES[nginx]}/usr/sbin/nginx" "$1/root/usr/sbin/nginx"
  copy_libraries "$1/root" "${DEB_TREES[nginx]}/usr/sbin/nginx"
  import_rootfs "$1/root" "$2" 'CMD ["nginx", "-c", "/etc/nginx/nginx.conf", "-g", "daemon off;"]'
}

build_image_sqlite() {
  rootfs_base "$1/root"
  copy_binary "$1/root" /usr/bin/sqlite3
  add_lighttpd "$1/root"
  cp -a "$TESTBED_SRC/images/sqlite/." "$1/root/"
  mkdir -p "$1/root/var/lib/sqlite"
  import_rootfs "$1/root" "$2" "ENV SQLITE_DB=/var/lib/sqlite/app.db" 'EXPOSE 8080' \
    'CMD ["sqlite-server"]'
}

build_image_restic() {
  rootfs_base "$1/root"
  copy_binary "$1/root" /usr/bin/restic
  import_rootfs "$1/root" "$2" 'CMD ["restic", "version"]'
}

# A fixture app image: busybox plus the app's files; the tag's version is baked into the image.
build_fixture_app() {
  local dir=$1 tag=$2 app=$3
  rootfs_base "$dir/root"
  add_lighttpd "$dir/root"
  cp -a "$TESTBED_SRC/images/$app/." "$dir/root/"
  echo "${tag##*:}" >"$dir/root/etc/fixture-version"
  import_rootfs "$dir/root" "$tag" 'EXPOSE 80' "CMD [\"$app\"]"
}
build_image_fixture_web() { build_fixture_app "$1" "$2" fixture-web; }
build_image_fixture_db() { build_fixture_app "$1" "$2" fixture-db; }

# The Keycloak stand-in (testbed/oidc, see docs/testbed.md): the host's node with its libraries,
# the app, and its node_modules as package-lock.json pins them, installed by `npm ci` into the
# tree (never into the checkout; --prefer-offline reuses npm's cache).
keycloak_standin_rootfs() {
  local root=$1 app=$1/opt/keycloak-standin node
  node=$(command -v node) || die "node is missing (scripts/install-deps.sh --testbed installs it)"
  rootfs_base "$root"
  copy_binary "$root" "$(readlink -f "$node")"
  [[ $(readlink -f "$node") == /usr/bin/node ]] || ln -s "$(readlink -f "$node")" "$root/usr/bin/node"
  mkdir -p "$app"
  cp "$TESTBED_SRC"/oidc/{package.json,package-lock.json} "$TESTBED_SRC"/oidc/*.mjs "$app/"
  (cd "$app" && npm ci --omit=dev --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null) ||
    die "npm ci for the Keycloak stand-in failed (is the npm registry or its cache reachable?)"
}

build_image_keycloak_standin() {
  keycloak_standin_rootfs "$1/root"
  import_rootfs "$1/root" "$2" 'ENV PORT=8080' 'ENV NODE_ENV=production' 'EXPOSE 8080' \
    'WORKDIR /opt/keycloak-standin' 'CMD ["node", "/opt/keycloak-standin/server.mjs"]'
}

image_current() {
  [[ $(docker image inspect --format "{{index .Config.Labels \"$TESTBED_LABEL.hash\"}}" "$1" 2>/dev/null) == "$IMAGE_HASH" ]]
}

ensure_images() {
  IMAGE_HASH=$(image_inputs_hash)
  local entry tag builder work tree
  for entry in "${IMAGES[@]}"; do
    read -r tag builder <<<"$entry"
    image_current "$tag" && continue
    log "building image $tag"
    work=$(mktemp -d)
    "build_image_$builder" "$work" "$tag"
    rm -rf "$work"
  done
  [[ -z ${BASE_ROOTFS:-} ]] || rm -rf "$(dirname "$BASE_ROOTFS")"
  for tree in "${DEB_TREES[@]}"; do rm -rf "$tree"; done
  DEB_TREES=()
  remove_dangling_images
}

# Images a rebuild replaced (untagged, still labelled), unless a container still uses them.
remove_dangling_images() {
  local ids old_tasks
  # Swarm keeps the exited containers of replaced tasks, which would pin the old gateway image.
  mapfile -t old_tasks < <(docker ps -aq --filter status=exited --filter "label=com.docker.swarm.service.name=$GATEWAY_SERVICE"
    docker ps -aq --filter status=exited --filter "label=com.docker.swarm.service.name=$ROUTER_SERVICE")
  ((${#old_tasks[@]} == 0)) || docker rm "${old_tasks[@]}" >/dev/null 2>&1 || true
  mapfile -t ids < <(docker image ls -q --filter dangling=true --filter "label=$TESTBED_LABEL.hash")
  ((${#ids[@]} == 0)) || docker image rm "${ids[@]}" >/dev/null 2>&1 || true
}

testbed_images() {
  docker image ls -q --filter "label=$TESTBED_LABEL.hash" 2>/dev/null | sort -u || true
}

