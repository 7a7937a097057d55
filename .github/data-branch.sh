#!/usr/bin/env bash
# The state a published digest keeps between CI runs, on a branch of its own (not main):
# the fetch archive (fetched/, the whole folder) and the story registry
# (story-registry.json). The Actions cache evicts what no run used for 7 days, so it holds
# only what can be rebuilt (.cache/newsdigest); these cannot.
#
#   .github/data-branch.sh restore   # check the branch out into $DATA_DIR (a git worktree);
#                                    # a repository without the branch starts it empty
#   .github/data-branch.sh save MSG  # commit what changed in $DATA_DIR and push it
#
# DATA_BRANCH (newsdigest-data), DATA_DIR (data), DATA_REMOTE (origin). With GITHUB_TOKEN
# set (CI), fetch and push send it; the checkout itself keeps no credentials.
set -euo pipefail

branch=${DATA_BRANCH:-newsdigest-data}
dir=${DATA_DIR:-data}
remote=${DATA_REMOTE:-origin}

remote_git() {
  if [ -n "${GITHUB_TOKEN:-}" ]; then
    local basic
    basic=$(printf 'x-access-token:%s' "$GITHUB_TOKEN" | base64 | tr -d '\n')
    if [ "${GITHUB_ACTIONS:-}" = true ]; then echo "::add-mask::$basic"; fi
    git -c "http.${GITHUB_SERVER_URL:-https://github.com}/.extraheader=AUTHORIZATION: basic $basic" "$@"
  else
    git "$@"
  fi
}

restore() {
  if [ -e "$dir" ]; then
    echo "data-branch: $dir/ exists already; remove it first" >&2
    exit 2
  fi
  if remote_git ls-remote --exit-code --heads "$remote" "$branch" >/dev/null; then
    remote_git fetch --quiet --depth=1 "$remote" "+refs/heads/$branch:refs/remotes/$remote/$branch"
    git worktree add --quiet -B "$branch" "$dir" "$remote/$branch"
    echo "data-branch: $branch checked out into $dir/ ($(git -C "$dir" log -1 --format='%h %s'))"
  else
    git worktree add --quiet --detach "$dir"
    git -C "$dir" checkout --quiet --orphan "$branch"
    git -C "$dir" rm -r --quiet --force -- . 2>/dev/null || true
    cat >"$dir/README.md" <<'TEXT'
# The digest's data

The state that `.github/workflows/publish.yml` keeps between runs, committed by each run:

- `fetched/`: the fetch archive (`newsdigest fetch --out fetched`), the input of every build;
- `story-registry.json`: the story registry (`newsdigest build --registry`), so that
  stories keep their URLs and merged stories redirect.

Not code: never merge this branch into main. Losing it costs the archive's history and
moves story URLs; the per-article cache (Actions cache) can always be rebuilt.
TEXT
    echo "data-branch: no $branch on $remote yet; starting it in $dir/"
  fi
}

save() {
  local message=${1:?a commit message}
  git -C "$dir" add --all
  if git -C "$dir" diff --cached --quiet; then
    echo "data-branch: nothing changed in $dir/"
    return
  fi
  git -C "$dir" \
    -c user.name="${GIT_AUTHOR_NAME:-github-actions[bot]}" \
    -c user.email="${GIT_AUTHOR_EMAIL:-41898282+github-actions[bot]@users.noreply.github.com}" \
    commit --quiet -m "$message"
  remote_git -C "$dir" push --quiet "$remote" "HEAD:refs/heads/$branch"
  echo "data-branch: pushed $(git -C "$dir" log -1 --format='%h') to $remote/$branch"
}

case "${1:-}" in
  restore) restore ;;
  save) save "${2:-}" ;;
  *)
    echo "usage: $0 restore | save MESSAGE" >&2
    exit 2
    ;;
esac
