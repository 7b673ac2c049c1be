# shellcheck shell=bash
# shellcheck disable=SC2016,SC2317 # checks eval single-quoted code; helpers are called indirectly
# `ccci-testbed selftest`, sourced by ccci-testbed: proves the testbed on the live swarm. Every image
# runs as a swarm service, the gateway routes a hand-made traefik-labelled stack, the fixture recipes
# deploy from their git repos (install, upgrade to a PR head, the broken PRs break the way they
# should), the database hooks dump and re-import, restic backs the dump up and restores it. Removes
# everything it created, also when a check fails.

SELFTEST_STACKS=("${SELFTEST_PREFIX}_hello" "${SELFTEST_PREFIX}_web" "${SELFTEST_PREFIX}_db" "${SELFTEST_PREFIX}_idp")
SELFTEST_JOB=${SELFTEST_PREFIX}_restic
SELFTEST_FAILURES=0

pass() { printf 'selftest: %4ss ok    %s\n' "$((SECONDS - SELFTEST_STARTED))" "$*" >&2; }
fail() {
  printf 'selftest: %4ss FAIL  %s\n' "$((SECONDS - SELFTEST_STARTED))" "$*" >&2
  SELFTEST_FAILURES=$((SELFTEST_FAILURES + 1))
}
check() { # check DESCRIPTION CMD...
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

# https REQUEST-ARGS...: curl through the gateway for a *.ccci.test URL, printing "<code> <body>".
https() {
  local url=${*: -1} host
  host=${url#https://} host=${host%%/*}
  curl -sS --max-time 10 --cacert "$STATE/ca/ca.pem" --resolve "$host:$GATEWAY_HTTPS_PORT:127.0.0.1" \
    -w ' %{http_code}' "$@" 2>/dev/null || true
}
# body_has URL TEXT: GET succeeds (2xx) and the body contains TEXT.
body_has() {
  local out
  out=$(https "$1")
  [[ ${out##* } == 2* && $out == *"$2"* ]]
}
status_is() { # status_is CODE CURL-ARGS...
  local code=$1 out
  shift
  out=$(https "$@")
  [[ ${out##* } == "$code" ]]
}
eventually() { poll_until "${EVENTUALLY:-60}" "$@"; }

# The ids of a service's tasks that should run and do (for a healthchecked service: are healthy).
running_tasks() {
  docker service ps --filter desired-state=running --format '{{.ID}} {{.CurrentState}}' "$1" 2>/dev/null |
    awk '$2 == "Running" {print $1}' | sort
}
# wait_rolled SERVICE OLD-TASK-IDS: a task that was not among OLD-TASK-IDS is running.
has_new_task() {
  local new
  new=$(comm -13 <(printf '%s\n' "$2" | sort) <(running_tasks "$1"))
  [[ -n $new ]]
}
wait_rolled() { eventually has_new_task "$1" "$2"; }

# deploy_recipe STACK DOMAIN CHECKOUT SERVICE...: what the abra stand-in will do, minimally: the
# recipe's compose files plus the testbed overlay, interpolated with the app's env.
deploy_recipe() {
  local stack=$1 domain=$2 checkout=$3
  shift 3
  "$TESTBED_SRC/ccci-testbed" compose-overlay "$@" >"$SELFTEST_WORK/$stack.testbed.yml"
  (
    cd "$checkout" || exit 1
    export STACK_NAME=$stack DOMAIN=$domain LETS_ENCRYPT_ENV=production EXTRA_DOMAINS="" TIMEOUT=120 SECRET_DB_PASSWORD_VERSION=v1 SECRET_ADMIN_PASSWORD_VERSION=v1
    stack_deploy --prune -c compose.yml -c "$SELFTEST_WORK/$stack.testbed.yml" "$stack" >/dev/null
  )
}

# stack_deploy ARGS...: docker stack deploy without waiting (CLI >= 26 waits unless --detach; older
# CLIs, like docker.io's 20.10, never wait and lack the flag) and without asking a registry.
stack_deploy() {
  local flags=(--resolve-image never)
  docker stack deploy --help 2>/dev/null | grep -q -- '--detach' && flags+=(--detach=true)
  docker stack deploy "${flags[@]}" "$@"
}

# run_label_hook SERVICE LABEL: docker exec the hook command a backupbot label holds, split the way
# the docker SDK splits a command string (shell words).
run_label_hook() {
  local service=$1 label=$2 command container
  command=$(docker service inspect --format "{{index .Spec.Labels \"$label\"}}" "$service")
  [[ -n $command ]] || return 1
  container=$(docker ps -q --filter "label=com.docker.swarm.service.name=$service" | head -n1)
  [[ -n $container ]] || return 1
  local -a argv
  eval "argv=($command)"
  docker exec "$container" "${argv[@]}"
}

# A PUT whose body arrives after its headers, as a slow client or a proxy sends it: the fixture
# must store every byte or refuse the write (busybox httpd, which served the fixtures before,
# stored such a body empty and answered 201).
# put_split_direct CONTAINER NAME BODY: headers, a pause, then the body, straight to the app's
# own port from inside its container (no gateway); prints the status line.
put_split_direct() {
  local request
  printf -v request 'PUT /cgi-bin/marker/%s HTTP/1.1\r\nHost: fixture\r\nContent-Length: %s\r\nConnection: close\r\n\r\n' "$2" "${#3}"
  docker exec -e REQUEST="$request" -e BODY="$3" "$1" sh -c \
    '{ printf "%s" "$REQUEST"; sleep 0.3; printf "%s" "$BODY"; sleep 2; } | timeout 10 nc 127.0.0.1 80' | head -n1 | tr -d '\r'
}
# put_split_gateway HOST NAME BODY: the same through the gateway over TLS (HTTP/1.1).
put_split_gateway() {
  local request
  printf -v request 'PUT /cgi-bin/marker/%s HTTP/1.1\r\nHost: %s\r\nContent-Length: %s\r\nConnection: close\r\n\r\n' "$2" "$1" "${#3}"
  { printf '%s' "$request"; sleep 0.3; printf '%s' "$3"; sleep 2; } |
    timeout 10 openssl s_client -quiet -verify_return_error -CAfile "$STATE/ca/ca.pem" -servername "$1" \
      -connect "127.0.0.1:$GATEWAY_HTTPS_PORT" 2>/dev/null | head -n1 | tr -d '\r'
}
# put_streamed_h2 HOST NAME BODY: an HTTP/2 PUT whose body is streamed after a pause.
put_streamed_h2() {
  { sleep 0.3; printf '%s' "$3"; } |
    curl -sS --http2 --max-time 10 --cacert "$STATE/ca/ca.pem" --resolve "$1:$GATEWAY_HTTPS_PORT:127.0.0.1" \
      -o /dev/null -w '%{http_version} %{http_code}' -H "Content-Length: ${#3}" -T - "https://$1/cgi-bin/marker/$2" 2>/dev/null || true
}
app_container() { docker ps -q --filter "label=com.docker.swarm.service.name=$1" --filter status=running | head -n1; }

# check_split_writes STACK HOST: every way a body can arrive late is stored whole; a body shorter
# than its Content-Length is refused with a 5xx and nothing is kept.
check_split_writes() {
  local stack=$1 host=$2 app body
  app=$(app_container "${stack}_app")
  body="split-$$-$RANDOM"
  check "$stack: a PUT body sent after its headers, straight to the app, answers 201" \
    eval '[[ $(put_split_direct "$app" split-direct "$body") == "HTTP/1.1 201 Created" ]]'
  check "$stack: ... and the whole body was stored" body_has "https://$host/cgi-bin/marker/split-direct" "$body"
  check "$stack: a PUT body sent after its headers through the gateway answers 201" \
    eval '[[ $(put_split_gateway "$host" split-gateway "$body") == "HTTP/1.1 201 Created" ]]'
  check "$stack: ... and the whole body was stored" body_has "https://$host/cgi-bin/marker/split-gateway" "$body"
  check "$stack: an HTTP/2 PUT with a streamed body answers 201" \
    eval '[[ $(put_streamed_h2 "$host" split-h2 "$body") == "2 201" ]]'
  check "$stack: ... and the whole body was stored" body_has "https://$host/cgi-bin/marker/split-h2" "$body"
  check "$stack: the marker API refuses a body shorter than its Content-Length with a 5xx" \
    eval 'docker exec "$app" sh -c "printf abc | REQUEST_METHOD=PUT CONTENT_LENGTH=10 PATH_INFO=/short /srv/www/cgi-bin/marker" |
      head -n1 | grep -q "^Status: 5"'
  check "$stack: ... and stored nothing" status_is 404 "https://$host/cgi-bin/marker/short"
}

selftest_cleanup() {
  local stack secrets
  docker service rm "$SELFTEST_JOB" >/dev/null 2>&1 || true
  for stack in "${SELFTEST_STACKS[@]}"; do
    docker stack rm "$stack" >/dev/null 2>&1 || true
  done
  for stack in "${SELFTEST_STACKS[@]}"; do
    wait_stack_gone "$stack"
    remove_volumes_of_stack "$stack"
  done
  mapfile -t secrets < <(docker secret ls -q --filter "label=$TESTBED_LABEL=selftest")
  ((${#secrets[@]} == 0)) || docker secret rm "${secrets[@]}" >/dev/null 2>&1 || true
  # The containers of a finished job outlive its service (docker 20.10).
  local job_containers
  mapfile -t job_containers < <(docker ps -aq --filter "label=com.docker.swarm.service.name=$SELFTEST_JOB")
  ((${#job_containers[@]} == 0)) || docker rm -f "${job_containers[@]}" >/dev/null 2>&1 || true
  gateway_sync 2>/dev/null || true
  if [[ -n ${SELFTEST_SNAPSHOT_TAG:-} ]]; then
    local restic=(restic --repo "$STATE/restic" --password-file "$STATE/restic.password") ids
    mapfile -t ids < <("${restic[@]}" snapshots --json --tag "$SELFTEST_SNAPSHOT_TAG" 2>/dev/null |
      grep -o '"id":"[0-9a-f]*"' | cut -d'"' -f4)
    ((${#ids[@]} == 0)) || "${restic[@]}" forget --prune --quiet "${ids[@]}" >/dev/null 2>&1 || true
  fi
  rm -rf "$SELFTEST_WORK"
}

selftest_hello() {
  local stack=${SELFTEST_PREFIX}_hello host=hello-selftest.$DOMAIN_SUFFIX d=$DOMAIN_SUFFIX
  # web: one router naming three hosts; api: two traefik services, the router picks one by its
  # .service label; hidden: has a router but is not on the proxy network, so it gets no route.
  local serve="mkdir -p /www && echo \$\$GREETING > /www/index.html; httpd -f -p \$\$PORT -h /www & trap 'kill \$\$!' TERM; wait"
  cat >"$SELFTEST_WORK/hello.yml" <<YAML
version: "3.8"
x-serve: &serve
  image: ccci/busybox:1
  command: ["sh", "-c", "$serve"]
services:
  web:
    <<: *serve
    environment: [GREETING=hello from the testbed, PORT=80]
    networks: [proxy]
    deploy:
      endpoint_mode: dnsrr
      labels:
        traefik.enable: "true"
        traefik.http.routers.hello.rule: "Host(\`$host\`) || Host(\`hello2-selftest.$d\`, \`hello3-selftest.$d\`)"
        traefik.http.services.hello.loadbalancer.server.port: "80"
  api:
    <<: *serve
    environment: [GREETING=hello from the api, PORT=8081]
    networks: [proxy]
    deploy:
      endpoint_mode: dnsrr
      labels:
        traefik.enable: "true"
        traefik.http.routers.api.rule: "Host(\`api-selftest.$d\`)"
        traefik.http.routers.api.service: "api-main"
        traefik.http.services.api-main.loadbalancer.server.port: "8081"
        traefik.http.services.api-other.loadbalancer.server.port: "9999"
  hidden:
    <<: *serve
    environment: [GREETING=unreachable, PORT=80]
    deploy:
      endpoint_mode: dnsrr
      labels:
        traefik.enable: "true"
        traefik.http.routers.hidden.rule: "Host(\`hidden-selftest.$d\`)"
networks:
  proxy:
    external: true
YAML
  stack_deploy -c "$SELFTEST_WORK/hello.yml" "$stack" >/dev/null
  check "busybox image: service ${stack}_web reaches 1/1" wait_rolled "${stack}_web" ""
  check "busybox image: service ${stack}_api reaches 1/1" wait_rolled "${stack}_api" ""
  gateway_sync
  check "gateway routes https://$host/ to the hand-made stack" eventually body_has "https://$host/" "hello from the testbed"
  check "gateway routes every host of a rule (|| and a list)" \
    eval 'body_has "https://hello2-selftest.$d/" "hello from the testbed" && body_has "https://hello3-selftest.$d/" "hello from the testbed"'
  check "gateway takes the port of the traefik service a router names" eventually body_has "https://api-selftest.$d/" "hello from the api"
  check "gateway skips a service that is not on the proxy network" status_is 404 "https://hidden-selftest.$d/"
  check "gateway answers 404 for a host without a router" status_is 404 "https://nobody-selftest.$d/"
  check "gateway redirects http to https" \
    eval '[[ $(curl -s -o /dev/null -w "%{http_code}" -H "Host: $host" http://127.0.0.1:$GATEWAY_HTTP_PORT/) == 308 ]]'
}

selftest_restic_job() {
  docker service create --detach --quiet --name "$SELFTEST_JOB" --label "$TESTBED_LABEL=selftest" \
    --mode replicated-job --no-resolve-image ccci/restic:1 restic version >/dev/null
  job_complete() { docker service ps --format '{{.CurrentState}}' "$SELFTEST_JOB" 2>/dev/null | grep -q '^Complete'; }
  check "restic image: a swarm job runs restic to completion" eventually job_complete
  check "restic image: the job printed restic's version" \
    eval 'docker service logs --raw "$SELFTEST_JOB" 2>/dev/null | grep -q "^restic "'
}

selftest_web() {
  local stack=${SELFTEST_PREFIX}_web host=web-selftest.$DOMAIN_SUFFIX
  local repo=$CCCI_GIT_BASE/coop-cloud/fixture-web checkout=$SELFTEST_WORK/fixture-web tasks
  check "fixture-web: git ls-remote lists tags, main and refs/pull/{1..4}/head" \
    eval '[[ $(git ls-remote "$repo" | grep -cE "refs/(heads/main|tags/1\.0\.0\+1\.0|tags/1\.1\.0\+1\.1|pull/[1-4]/head)$") == 7 ]]'
  git clone -q "$repo" "$checkout"
  check "fixture-web: the clone's default branch is main" \
    eval '[[ $(git -C "$checkout" rev-parse --abbrev-ref HEAD) == main ]]'
  check "fixture-web: tag 1.0.0+1.0 deploys image 1.0, tag 1.1.0+1.1 image 1.1" \
    eval 'git -C "$checkout" show 1.0.0+1.0:compose.yml | grep -q "image: ccci/fixture-web:1.0$" &&
      git -C "$checkout" show 1.1.0+1.1:compose.yml | grep -q "image: ccci/fixture-web:1.1$"'
  check "fixture-web: tags are annotated" \
    eval '[[ $(git -C "$checkout" for-each-ref --format="%(objecttype)" refs/tags | sort -u) == tag ]]'

  deploy_recipe "$stack" "$host" "$checkout" app
  check "fixture-web: main (1.1) reaches 1/1 with its healthcheck" wait_rolled "${stack}_app" ""
  gateway_sync
  check "fixture-web: the page is served over https" eventually body_has "https://$host/" "fixture-web version 1.1"
  check "fixture-web: PUT a marker" status_is 201 -X PUT --data-binary "kept-$$" "https://$host/cgi-bin/marker/upgrade"
  check "fixture-web: GET the marker" body_has "https://$host/cgi-bin/marker/upgrade" "kept-$$"
  check "fixture-web: PUT a second marker" status_is 201 -X PUT --data-binary x "https://$host/cgi-bin/marker/other"
  check "fixture-web: DELETE it" status_is 200 -X DELETE "https://$host/cgi-bin/marker/other"
  check "fixture-web: a deleted marker is 404" status_is 404 "https://$host/cgi-bin/marker/other"
  check_split_writes "$stack" "$host"

  # PR 1 (good): the upgrade keeps the data and shows the new page.
  git -C "$checkout" fetch -q origin refs/pull/1/head && git -C "$checkout" checkout -q --detach FETCH_HEAD
  tasks=$(running_tasks "${stack}_app")
  deploy_recipe "$stack" "$host" "$checkout" app
  check "fixture-web: PR 1 head rolls out" wait_rolled "${stack}_app" "$tasks"
  check "fixture-web: PR 1 shows its banner" eventually body_has "https://$host/" "now with a banner"
  check "fixture-web: PR 1 kept the marker" eventually body_has "https://$host/cgi-bin/marker/upgrade" "kept-$$"
  check "fixture-web: PR 1 carries version label 1.2.0+1.1" \
    eval '[[ $(docker service inspect --format "{{index .Spec.Labels \"coop-cloud.$stack.version\"}}" "${stack}_app") == 1.2.0+1.1 ]]'

  # PR 2 (broken): its image does not exist.
  git -C "$checkout" fetch -q origin refs/pull/2/head
  check "fixture-web: PR 2 names an image that does not exist" \
    eval '! docker image inspect "$(git -C "$checkout" show FETCH_HEAD:compose.yml | sed -n "s/^ *image: //p")" >/dev/null 2>&1'

  # PR 4 (broken): excludes the data volume from backups.
  git -C "$checkout" fetch -q origin refs/pull/4/head
  check "fixture-web: PR 4 excludes the data volume from backups" \
    eval 'git -C "$checkout" show FETCH_HEAD:compose.yml | grep -q "backupbot.backup.volumes.data=false"'

  # PR 3 (broken): the upgrade loses the data.
  git -C "$checkout" fetch -q origin refs/pull/3/head && git -C "$checkout" checkout -q --detach FETCH_HEAD
  tasks=$(running_tasks "${stack}_app")
  deploy_recipe "$stack" "$host" "$checkout" app
  check "fixture-web: PR 3 head rolls out" wait_rolled "${stack}_app" "$tasks"
  check "fixture-web: PR 3 lost the marker (as it should)" eventually status_is 404 "https://$host/cgi-bin/marker/upgrade"
}

# fixture-plain is fixture-web's app without a spec in recipes/; its repo is all the testbed adds.
selftest_plain() {
  local repo=$CCCI_GIT_BASE/coop-cloud/fixture-plain checkout=$SELFTEST_WORK/fixture-plain
  check "fixture-plain: git ls-remote lists tags, main and refs/pull/1/head" \
    eval '[[ $(git ls-remote "$repo" | grep -cE "refs/(heads/main|tags/1\.0\.0\+1\.0|tags/1\.1\.0\+1\.1|pull/1/head)$") == 4 ]]'
  git clone -q "$repo" "$checkout"
  check "fixture-plain: tag 1.0.0+1.0 deploys fixture-web's image 1.0, tag 1.1.0+1.1 image 1.1" \
    eval 'git -C "$checkout" show 1.0.0+1.0:compose.yml | grep -q "image: ccci/fixture-web:1.0$" &&
      git -C "$checkout" show 1.1.0+1.1:compose.yml | grep -q "image: ccci/fixture-web:1.1$"'
  check "fixture-plain: ccci has no spec for it (recipes/fixture-plain/recipe.yml is absent)" \
    eval '[[ ! -e $REPO_ROOT/recipes/fixture-plain/recipe.yml ]]'
}

selftest_db() {
  local stack=${SELFTEST_PREFIX}_db host=db-selftest.$DOMAIN_SUFFIX
  local repo=$CCCI_GIT_BASE/coop-cloud/fixture-db checkout=$SELFTEST_WORK/fixture-db tasks
  git clone -q "$repo" "$checkout"
  git -C "$checkout" checkout -q --detach 1.0.0+1.0
  # The database password, as `abra app secret generate` would create it.
  head -c 24 /dev/urandom | base64 | tr -d '\n/+=' | docker secret create --label "$TESTBED_LABEL=selftest" \
    "${stack}_db_password_v1" - >/dev/null
  deploy_recipe "$stack" "$host" "$checkout" app db
  check "sqlite image: service ${stack}_db reaches 1/1 (healthcheck runs sqlite3)" wait_rolled "${stack}_db" ""
  check "fixture-db: 1.0.0+1.0 app reaches 1/1" wait_rolled "${stack}_app" ""
  gateway_sync
  check "fixture-db: the page is served over https" eventually body_has "https://$host/" "fixture-db version 1.0"
  check "fixture-db: PUT a marker (written through the db service)" \
    eventually status_is 201 -X PUT --data-binary "it's-$$" "https://$host/cgi-bin/marker/backup"
  check "fixture-db: GET the marker" body_has "https://$host/cgi-bin/marker/backup" "it's-$$"
  refused_without_password() {
    [[ $(docker exec "$(app_container "$1")" wget -O - --post-data "SELECT 1;" http://db:8080/cgi-bin/sql 2>&1) == *"401 Unauthorized"* ]]
  }
  check "sqlite image: a query without the database password is refused (401)" refused_without_password "${stack}_app"
  check_split_writes "$stack" "$host"

  # Upgrade to PR 1 keeps the database.
  git -C "$checkout" fetch -q origin refs/pull/1/head && git -C "$checkout" checkout -q --detach FETCH_HEAD
  tasks=$(running_tasks "${stack}_app")
  deploy_recipe "$stack" "$host" "$checkout" app db
  check "fixture-db: PR 1 head rolls out" wait_rolled "${stack}_app" "$tasks"
  check "fixture-db: PR 1 shows 1.1 with its banner" eventually body_has "https://$host/" "fixture-db version 1.1"
  check "fixture-db: PR 1 kept the marker" eventually body_has "https://$host/cgi-bin/marker/backup" "it's-$$"

  # Backup the way backup-bot-two does: pre-hook, restic on the labelled path; then lose the data
  # and restore: restic restore, post-hook.
  local volume_dir=/var/lib/docker/volumes/${stack}_db-data/_data
  check "fixture-db: the backup pre-hook dumps the database" run_label_hook "${stack}_db" backupbot.backup.pre-hook
  check "fixture-db: the dump holds the marker" grep -q "it''s-$$" "$volume_dir/backup.sql"
  SELFTEST_SNAPSHOT_TAG=$stack
  check "restic: backs up the labelled path backup.sql" \
    restic --repo "$STATE/restic" --password-file "$STATE/restic.password" backup --quiet \
    --tag "$SELFTEST_SNAPSHOT_TAG" "$volume_dir/backup.sql"
  check "fixture-db: DELETE the marker" status_is 200 -X DELETE "https://$host/cgi-bin/marker/backup"
  rm -f "$volume_dir/backup.sql"
  check "restic: restores the snapshot" \
    restic --repo "$STATE/restic" --password-file "$STATE/restic.password" restore latest --quiet \
    --tag "$SELFTEST_SNAPSHOT_TAG" --target /
  check "fixture-db: the restore post-hook re-imports the dump" run_label_hook "${stack}_db" backupbot.restore.post-hook
  check "fixture-db: the marker is back after the restore" body_has "https://$host/cgi-bin/marker/backup" "it's-$$"
}

# The dependency recipe keycloak: the stand-in (testbed/oidc) as a swarm service behind the gateway
# answers Keycloak's health, discovery and admin-token calls over https with the gateway's host in
# its issuer (its whole API is proven on the host by testbed/oidc/selftest.mjs in the test suite).
selftest_keycloak() {
  local stack=${SELFTEST_PREFIX}_idp host=idp-selftest.$DOMAIN_SUFFIX
  local checkout=$SELFTEST_WORK/keycloak password
  git clone -q "$CCCI_GIT_BASE/coop-cloud/keycloak" "$checkout"
  git -C "$checkout" checkout -q --detach 1.0.0+1
  password=$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')
  printf '%s' "$password" | docker secret create --label "$TESTBED_LABEL=selftest" "${stack}_admin_password_v1" - >/dev/null
  deploy_recipe "$stack" "$host" "$checkout" app
  check "keycloak stand-in image: service ${stack}_app reaches 1/1 (healthcheck /health/ready)" wait_rolled "${stack}_app" ""
  gateway_sync
  check "keycloak: /health/ready answers UP over https" eventually body_has "https://$host/health/ready" '"status":"UP"'
  check "keycloak: the master realm's issuer is https://$host/realms/master" \
    body_has "https://$host/realms/master/.well-known/openid-configuration" "\"issuer\":\"https://$host/realms/master\""
  admin_token() { # admin_token PASSWORD: the admin-cli password grant's HTTP status
    local out
    out=$(https --data-urlencode grant_type=password --data-urlencode client_id=admin-cli \
      --data-urlencode username=admin --data-urlencode "password=$1" \
      "https://$host/realms/master/protocol/openid-connect/token")
    [[ ${out##* } == 200 ]] && [[ $out == *'"access_token":'* ]] && echo 200 && return
    echo "${out##* }"
  }
  check "keycloak: the admin token is granted for the secret's password" eval '[[ $(admin_token "$password") == 200 ]]'
  check "keycloak: a wrong admin password is refused (401)" eval '[[ $(admin_token "not-$password") == 401 ]]'
}

cmd_selftest() {
  [[ -f $STATE/env ]] || die "the testbed is not up; run: ccci-testbed up"
  set -a
  # shellcheck disable=SC1091
  source "$STATE/env"
  set +a
  SELFTEST_STARTED=$SECONDS
  SELFTEST_WORK=$(mktemp -d)
  trap selftest_cleanup EXIT
  selftest_hello
  selftest_restic_job
  selftest_web
  selftest_plain
  selftest_db
  selftest_keycloak
  selftest_cleanup
  trap - EXIT
  check "cleanup: no selftest stack, service, container, volume or secret left" eval \
    '[[ -z $(docker service ls -q --filter "name=$SELFTEST_PREFIX") && -z $(docker volume ls -q --filter "name=$SELFTEST_PREFIX") &&
      -z $(docker ps -aq --filter "name=$SELFTEST_PREFIX") && -z $(docker secret ls -q --filter "name=$SELFTEST_PREFIX") ]]'
  check "cleanup: the gateway no longer routes the hand-made stack" status_is 404 "https://hello-selftest.$DOMAIN_SUFFIX/"
  if ((SELFTEST_FAILURES)); then
    log "selftest: $SELFTEST_FAILURES check(s) failed in $((SECONDS - SELFTEST_STARTED)) s"
    return 1
  fi
  log "selftest: all checks passed in $((SECONDS - SELFTEST_STARTED)) s"
}
