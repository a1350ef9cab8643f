// Encrypted strings: pick a project, paste a value, get the line a process decrypts.
import * as api from './api.js';
import {h, replace, field, status, copyButton, empty} from './dom.js';
import {loadOrgs, loadProjects, orgPicker, fillProjects} from './orgs.js';

export async function encryptView(root, {params, navigate}) {
  const orgs = await loadOrgs();
  const org = orgs.includes(params.get('org')) ? params.get('org') : orgs[0];
  const projects = await loadProjects(org);
  const picker = orgPicker(orgs, org, (o) => navigate(`encrypt?org=${encodeURIComponent(o)}`), 'encrypt-org');

  // A project to create, when there is none (or another is wanted).
  const newProject = field({label: 'New project name', hint: '1 to 128 letters, digits and _ . - (org and project names follow the server\'s rule).',
    input: h('input', {id: 'new-project', autocomplete: 'off', spellcheck: 'false'})});
  const newButton = h('button', {type: 'submit', class: 'secondary', id: 'create-project'}, 'Create project');
  const newStatus = status();
  const projectForm = h('form', {class: 'card', 'aria-labelledby': 'new-project-title', novalidate: true},
    h('h2', {id: 'new-project-title'}, `Create a project in ${org}`), newProject.row,
    h('div', {class: 'actions'}, newButton), newStatus.node);
  projectForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    newProject.setError('');
    const projectName = newProject.input.value.trim();
    if (!projectName) {
      newProject.setError('Enter a name for the project.');
      newProject.input.focus();
      return;
    }
    try {
      await newStatus.run('Creating the project…', [newButton], () =>
        api.post(`/api/v1/org/${api.seg(org)}/project`, {json: {name: projectName}}));
    } catch (err) {
      newProject.setError(err.message);
      newStatus.error(err.message);
      newProject.input.focus();
      return;
    }
    navigate(`encrypt?org=${encodeURIComponent(org)}&project=${encodeURIComponent(projectName)}&created=1`);
  });

  if (projects.length === 0) {
    replace(root, h('div', {class: 'card inline-form'}, picker.row),
      empty(`${org} has no projects yet. An encrypted string belongs to one project: create it below, then encrypt values for it.`),
      projectForm);
    newProject.input.focus();
    return;
  }

  const project = field({label: 'Project', hint: 'Only processes of this project can decrypt the value.',
    input: h('select', {id: 'encrypt-project'})});
  fillProjects(project.input, projects, 'Choose a project');
  if (projects.includes(params.get('project'))) {
    project.input.value = params.get('project');
  } else if (projects.length === 1) {
    project.input.value = projects[0];
  }
  const value = field({label: 'Value to encrypt', hint: 'Pasted here, sent once to the server and cleared from this form.',
    input: h('textarea', {id: 'encrypt-value', rows: '3', spellcheck: 'false', autocomplete: 'off'})});
  const submit = h('button', {type: 'submit', id: 'encrypt'}, 'Encrypt');
  const formStatus = status();
  const result = h('div', {class: 'result', id: 'encrypt-result', 'aria-live': 'polite'});
  const form = h('form', {class: 'card', 'aria-labelledby': 'encrypt-title', novalidate: true},
    h('h2', {id: 'encrypt-title'}, 'Encrypt a value'), project.row, value.row,
    h('div', {class: 'actions'}, submit), formStatus.node, result);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    project.setError('');
    value.setError('');
    replace(result);
    if (!project.input.value) {
      project.setError('Choose the project whose processes will decrypt it.');
      project.input.focus();
      return;
    }
    if (!value.input.value) {
      value.setError('Paste the value to encrypt.');
      value.input.focus();
      return;
    }
    const chosen = project.input.value;
    let answer;
    try {
      answer = await formStatus.run('Encrypting…', [submit], () =>
        api.post(`/api/v1/org/${api.seg(org)}/project/${api.seg(chosen)}/encrypt`, {text: value.input.value}));
    } catch (err) {
      const target = /project/i.test(err.message) ? project : value;
      target.setError(err.message);
      formStatus.error(err.message);
      target.input.focus();
      return;
    }
    value.input.value = '';
    formStatus.ok(`Encrypted for ${org}/${chosen}. Put this line where the process needs the value:`);
    const line = h('code', {class: 'secret-value', id: 'encrypted-line'}, `\${crypto.decryptString('${answer.data}')}`);
    replace(result, h('div', {class: 'value-row'}, line),
      copyButton({getText: () => line.textContent, target: line, label: 'Copy line'}));
  });

  replace(root, h('div', {class: 'card inline-form'}, picker.row),
    params.get('created') ? h('p', {class: 'notice', role: 'status'}, `Project "${params.get('project')}" created.`) : null,
    form, h('details', {class: 'card'}, h('summary', {}, 'Create another project'), projectForm));
}
