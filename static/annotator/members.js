// A project's members page (admins): the members with their roles (change, remove),
// and three ways to add people: an existing account, an invitation by e-mail, a new
// account with a one-time password. Everything goes through the REST API; the server
// refuses leaving a project without an admin, and the page says so.
import { clear, h } from "./dom.js";
import { messenger, pageSetUp } from "./page.js";

const { config, api } = pageSetUp("ann-members-config");
const messageBox = document.getElementById("ann-members-message");
const tell = messenger(messageBox);
// The message line sits above the table: brought into view, or a refusal would go unseen.
function say(...args) {
  tell(...args);
  messageBox.scrollIntoView({ block: "nearest" });
}
const rowsBox = document.getElementById("ann-member-rows");
const field = (id) => document.getElementById(id);
let members = [];

function roleSelect(id, value = "annotator", label = "Role") {
  const select = id ? field(id) : h("select", { "aria-label": label });
  clear(select).append(...config.roles.map((role) => h("option", { value: role.value, selected: role.value === value }, role.label)));
  return select;
}

function secretBox(labelText, value) {
  const out = h("input", { type: "text", readonly: true, value, "aria-label": labelText });
  const copy = h("button", { type: "button", className: "ann-button ann-button-small ann-button-quiet" }, "Copy");
  copy.addEventListener("click", async () => {
    out.select();
    try {
      await navigator.clipboard.writeText(value);
      copy.textContent = "Copied";
    } catch {
      copy.textContent = "Select and copy";  // plain http: no clipboard API
    }
  });
  return h("div", { className: "ann-secret" }, out, copy);
}

function memberRow(member) {
  const you = member.user === config.user_id;
  const select = roleSelect(null, member.role, `Role of ${member.username}`);
  select.addEventListener("change", () => changeRole(member, select));
  const remove = h("button", { type: "button", className: "ann-button ann-button-small ann-button-quiet" }, "Remove");
  remove.addEventListener("click", () => removeMember(member, remove));
  return h("tr", { className: "ann-member-row", dataset: { username: member.username, id: member.id } },
    h("td", {}, h("strong", {}, member.username), you ? h("span", { className: "ann-you" }, " (you)") : null,
      member.pending ? [" ", h("span", { className: "ann-pending", title: "Invited; has not chosen a password yet" }, "invited")] : null),
    h("td", {}, member.email || h("span", { className: "ann-muted" }, "—")),
    h("td", {}, select),
    h("td", { className: "ann-muted" }, new Date(member.created_at).toLocaleDateString()),
    h("td", {}, remove));
}

function render() {
  clear(rowsBox).append(...members.map(memberRow));
}

async function load() {
  members = await api.get(`/projects/${config.project_id}/members/`);
  render();
}

async function changeRole(member, select) {
  const wanted = select.value;
  try {
    const changed = await api.patch(`/projects/${config.project_id}/members/${member.id}/`, { role: wanted });
    Object.assign(member, changed);
    say(`${member.username} is now ${changed.role}.`, "success");
    if (member.user === config.user_id && changed.role !== "admin") {
      say("You are no longer an admin of this project: this page is not yours any more.", "warning");
    }
  } catch (error) {
    select.value = member.role;  // the stored role, not the refused one
    say(`${member.username} stays ${member.role}: ${error.message}`, "error");
  }
}

async function removeMember(member, button) {
  if (!window.confirm(`Remove ${member.username} from the project? Their labels stay, still theirs; the documents assigned to them are unassigned.`)) return;
  button.disabled = true;
  try {
    await api.delete(`/projects/${config.project_id}/members/${member.id}/`);
    say(`${member.username} was removed; their labels stay, their assignments went.`, "success");
    await load();
  } catch (error) {
    button.disabled = false;
    say(`${member.username} was not removed: ${error.message}`, "error");
  }
}

async function addExisting(user, role) {
  try {
    const member = await api.post(`/projects/${config.project_id}/members/`, { username: user.username, role });
    say(`${member.username} is now ${member.role}.`, "success");
    await load();
    await search();
  } catch (error) {
    say(`${user.username} was not added: ${error.message}`, "error");
  }
}

async function search(event) {
  event?.preventDefault();
  const q = field("ann-search-q").value.trim();
  const list = field("ann-found");
  if (q.length < 2) {
    clear(list).append(h("li", { className: "ann-muted" }, "Type two characters at least."));
    return;
  }
  const found = await api.get(`/projects/${config.project_id}/user-search/?q=${encodeURIComponent(q)}`);
  clear(list);
  if (!found.length) list.append(h("li", { className: "ann-muted" }, "Nobody found. Invite them by e-mail instead."));
  for (const user of found) {
    const role = field("ann-search-role").value;
    const add = h("button", { type: "button", className: "ann-button ann-button-small" },
      user.member_role ? `Make ${role}` : `Add as ${role}`);
    add.addEventListener("click", () => addExisting(user, field("ann-search-role").value));
    list.append(h("li", { dataset: { username: user.username } },
      h("span", {}, h("strong", {}, user.username), " ", h("span", { className: "ann-muted" }, user.email),
        user.member_role ? h("span", { className: "ann-muted" }, ` · ${user.member_role} here`) : null),
      user.member_role === role ? null : add));
  }
}

async function invite(event) {
  event.preventDefault();
  const email = field("ann-invite-email").value.trim();
  const box = clear(field("ann-invite-result"));
  if (!email) {
    say("Give the e-mail address to invite.", "error");
    return;
  }
  try {
    const result = await api.post(`/projects/${config.project_id}/invitations/`, { email, role: field("ann-invite-role").value });
    const who = result.member.username;
    const parts = [result.account_created ? `Account ${who} made for ${email}` : `${who} (${email})`,
      ` is now ${result.member.role}.`];
    if (result.set_password_url) parts.push(result.email_sent ? " The link to choose a password was e-mailed; here it is too:" : " The e-mail could not be sent: pass this link on:");
    else if (!result.account_created) parts.push(result.email_sent ? " A link to choose a password was e-mailed to them." : " They sign in with their own password.");
    box.append(h("p", { className: "ann-message ann-message-success" }, ...parts));
    if (result.set_password_url) box.append(secretBox("Set-password link", result.set_password_url));
    field("ann-invite-email").value = "";
    await load();
  } catch (error) {
    box.append(h("p", { className: "ann-message ann-message-error" }, `Not invited: ${error.message}`));
  }
}

async function makeAccount(event) {
  event.preventDefault();
  const box = clear(field("ann-account-result"));
  const body = { username: field("ann-account-username").value.trim(), role: field("ann-account-role").value };
  const email = field("ann-account-email").value.trim();
  if (email) body.email = email;
  try {
    const result = await api.post(`/projects/${config.project_id}/accounts/`, body);
    box.append(h("p", { className: "ann-message ann-message-success" },
      `Account ${result.member.username} made (${result.member.role}). Its one-time password, shown only now: at their first sign-in they choose their own.`),
    secretBox("One-time password", result.password));
    field("ann-account-username").value = "";
    field("ann-account-email").value = "";
    await load();
  } catch (error) {
    box.append(h("p", { className: "ann-message ann-message-error" }, `No account made: ${error.message}`));
  }
}

for (const id of ["ann-search-role", "ann-invite-role", "ann-account-role"]) roleSelect(id);
field("ann-search-form").addEventListener("submit", (event) => search(event).catch((error) => say(error.message, "error")));
field("ann-search-role").addEventListener("change", () => { if (field("ann-found").children.length) search(); });
field("ann-invite-form").addEventListener("submit", invite);
field("ann-account-form").addEventListener("submit", makeAccount);
load().catch((error) => say(`Could not read the members: ${error.message}`, "error"))
  .finally(() => { document.body.dataset.ready = "true"; });
