# shellcheck shell=bash
# ---------------------------------------------------------------------------------------------
# Images: docker import of rootfs trees assembled from Debian binaries

# What the images are built from; a change rebuilds them all.
image_inputs_hash() {
  {
    sha256sum "$TESTBED_SRC/lib/images.sh"
    (cd "$TESTBED_SRC/images" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    (cd "$TESTBED_SRC/images" && find . -printf '%p %m\n' | sort)
    dpkg-query -W busybox-static caddy sqlite3 restic libc6 2>/dev/null
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
  local root=$1 bin=$2 lib
  mkdir -p "$root$(dirname "$bin")"
  cp -L "$bin" "$root$bin"
  for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*' || true); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
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

build_image_sqlite() {
  rootfs_base "$1/root"
  copy_binary "$1/root" /usr/bin/sqlite3
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
  cp -a "$TESTBED_SRC/images/$app/." "$dir/root/"
  echo "${tag##*:}" >"$dir/root/etc/fixture-version"
  import_rootfs "$dir/root" "$tag" 'EXPOSE 80' "CMD [\"$app\"]"
}
build_image_fixture_web() { build_fixture_app "$1" "$2" fixture-web; }
build_image_fixture_db() { build_fixture_app "$1" "$2" fixture-db; }

image_current() {
  [[ $(docker image inspect --format "{{index .Config.Labels \"$TESTBED_LABEL.hash\"}}" "$1" 2>/dev/null) == "$IMAGE_HASH" ]]
}

ensure_images() {
  IMAGE_HASH=$(image_inputs_hash)
  local entry tag builder work
  for entry in "${IMAGES[@]}"; do
    read -r tag builder <<<"$entry"
    image_current "$tag" && continue
    log "building image $tag"
    work=$(mktemp -d)
    "build_image_$builder" "$work" "$tag"
    rm -rf "$work"
  done
  [[ -z ${BASE_ROOTFS:-} ]] || rm -rf "$(dirname "$BASE_ROOTFS")"
  remove_dangling_images
}

# Images a rebuild replaced (untagged, still labelled), unless a container still uses them.
remove_dangling_images() {
  local ids old_tasks
  # Swarm keeps the exited containers of replaced tasks, which would pin the old gateway image.
  mapfile -t old_tasks < <(docker ps -aq --filter status=exited --filter "label=com.docker.swarm.service.name=$GATEWAY_SERVICE")
  ((${#old_tasks[@]} == 0)) || docker rm "${old_tasks[@]}" >/dev/null 2>&1 || true
  mapfile -t ids < <(docker image ls -q --filter dangling=true --filter "label=$TESTBED_LABEL.hash")
  ((${#ids[@]} == 0)) || docker image rm "${ids[@]}" >/dev/null 2>&1 || true
}

testbed_images() {
  docker image ls -q --filter "label=$TESTBED_LABEL.hash" 2>/dev/null | sort -u || true
}

