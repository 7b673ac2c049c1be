# shellcheck shell=bash
# ---------------------------------------------------------------------------------------------
# Fixture recipe repos

# What the fixture repos are built from. Every file is named relative to TESTBED_SRC (sha256sum
# prints the names it is given), so two checkouts of one commit agree.
fixtures_hash() {
  { (cd "$TESTBED_SRC" && sha256sum lib/repos.sh)
    (cd "$TESTBED_SRC/fixtures" && find . -type f -print0 | sort -z | xargs -0 sha256sum); } |
    sha256sum | cut -c1-16
}

# build_fixture_repo NAME DEST: a bare repo built from fixtures/NAME/history with fixed authors and
# dates, so every build has the same commit ids.
build_fixture_repo() {
  local name=$1 dest=$2 src=$TESTBED_SRC/fixtures/$1 work step parent ref tag message n=0
  work=$(mktemp -d)
  git init -q -b main "$work/tree"
  while read -r step parent ref tag message; do
    [[ -z $step || $step == \#* ]] && continue
    n=$((n + 1))
    local date
    date="2025-01-$(printf '%02d' "$n")T12:00:00Z"
    (
      cd "$work/tree" || exit 1
      export GIT_AUTHOR_NAME="ccci testbed" GIT_AUTHOR_EMAIL="testbed@ccci.test"
      export GIT_COMMITTER_NAME="ccci testbed" GIT_COMMITTER_EMAIL="testbed@ccci.test"
      export GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date
      if [[ $parent != - ]]; then git checkout -q --detach "$parent"; fi
      # Fresh mtimes: a copy that kept them could look unchanged to git (same size, old mtime).
      cp -R "$src/$step/." .
      git update-index -q --really-refresh >/dev/null || true
      if [[ -f .deleted ]]; then
        xargs -r git rm -q -r -- <.deleted
        rm -f .deleted
      fi
      git add -A
      git -c commit.gpgsign=false commit -q -m "$message"
      git update-ref "$ref" HEAD
      [[ $tag == - ]] || git -c tag.gpgsign=false tag -a "$tag" -m "$tag"
    )
  done <"$src/history"
  mkdir -p "$(dirname "$dest")"
  if [[ -d $dest ]]; then
    # Updated in place, never removed and rebuilt: a run cloning it meanwhile (checkouts of other
    # commits share the testbed, and their e2e tests each call `up`) always finds it. Each ref is
    # replaced atomically; refs only another checkout builds (a newer PR) are kept, not pruned.
    git --git-dir="$dest" fetch -q --force "$work/tree" '+refs/heads/*:refs/heads/*' '+refs/pull/*:refs/pull/*' \
      '+refs/tags/*:refs/tags/*'
  else
    git clone -q --mirror "$work/tree" "$dest.new.$$"
    git --git-dir="$dest.new.$$" symbolic-ref HEAD refs/heads/main
    git --git-dir="$dest.new.$$" config --unset remote.origin.url || true
    git --git-dir="$dest.new.$$" config --remove-section remote.origin 2>/dev/null || true
    mv -T "$dest.new.$$" "$dest"
  fi
  rm -rf "$work"
}

ensure_repos() {
  local hash name
  hash=$(fixtures_hash)
  [[ $(cat "$STATE/repos/.hash" 2>/dev/null) == "$hash" ]] && return 0
  log "building the fixture recipe repos"
  for name in "${FIXTURES[@]}"; do
    build_fixture_repo "$name" "$STATE/repos/coop-cloud/$name"
  done
  echo "$hash" >"$STATE/repos/.hash"
}

