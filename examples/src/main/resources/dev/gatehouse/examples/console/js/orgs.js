// Organisations and projects, shared by the secrets and encrypted-strings views.
import * as api from './api.js';
import {h, field, select} from './dom.js';

/** The orgs the caller belongs to (every org for admins), sorted, "Default" first. */
export async function loadOrgs() {
  const orgs = (await api.get('/api/v1/org')).map((o) => o.name);
  return orgs.sort((a, b) => (a === 'Default' ? -1 : b === 'Default' ? 1 : a.localeCompare(b)));
}

/** The names of an org's projects. */
export async function loadProjects(org) {
  return (await api.get(`/api/v1/org/${api.seg(org)}/project`)).map((p) => p.name);
}

/** A labelled org picker; `onChange(org)` runs when the user picks another. */
export function orgPicker(orgs, selected, onChange, id) {
  const picker = field({label: 'Organization', id, input: select(orgs.map((o) => [o, o]), selected)});
  picker.input.addEventListener('change', () => onChange(picker.input.value));
  return picker;
}

/** Refills a project <select> with "none" first (its label given) and the org's projects. */
export function fillProjects(selectEl, projects, noneLabel) {
  selectEl.replaceChildren(h('option', {value: ''}, noneLabel), ...projects.map((p) => h('option', {value: p}, p)));
}
