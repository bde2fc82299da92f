// Creates or updates the pull request comment that starts with a marker (one comment per
// environment: `<!-- plan-comment:env=<env> -->`), for actions/github-script:
//
//   const { upsertComment } = require('./.github/scripts/upsert-pr-comment.cjs');
//   await upsertComment({ github, context, core, marker, body });
//
// Lists every comment of the pull request (paginated), updates the first one whose body starts
// with the marker, otherwise creates one. Returns { action: "created" | "updated", id, url }.

/** GitHub rejects comment bodies over 65536 characters. */
const MAX_COMMENT_CHARS = 65536;

async function upsertComment({ github, context, core, marker, body }) {
  if (!marker || !marker.trim()) throw new Error("upsertComment: the marker is empty");
  if (!body || !body.startsWith(marker))
    throw new Error(`upsertComment: the comment must start with its marker ${marker}`);
  if (body.length > MAX_COMMENT_CHARS)
    throw new Error(`upsertComment: the comment has ${body.length} characters, GitHub accepts ${MAX_COMMENT_CHARS}`);
  const issue_number = context.issue.number;
  if (!issue_number) throw new Error("upsertComment: not running for a pull request");
  const { owner, repo } = context.repo;

  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
  const existing = comments.find((comment) => typeof comment.body === "string" && comment.body.startsWith(marker));
  if (existing) {
    const { data } = await github.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
    core.info(`updated comment ${data.html_url}`);
    return { action: "updated", id: existing.id, url: data.html_url };
  }
  const { data } = await github.rest.issues.createComment({ owner, repo, issue_number, body });
  core.info(`created comment ${data.html_url}`);
  return { action: "created", id: data.id, url: data.html_url };
}

module.exports = { upsertComment, MAX_COMMENT_CHARS };
