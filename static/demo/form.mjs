/* The "Fire a call" form: presets fill it, the type picks its fields, the preview shows the call,
 * and Send (or Ctrl+Enter in the JSON editor) hands the call to onSend unless the JSON is broken. */
import { PRESETS, callOf } from './presets.mjs';
import { $, callText, el } from './show.mjs';

const FIELDS = ['userId', 'event', 'category', 'pageName', 'groupId', 'to', 'from', 'payload'];

function form() { return $('call-form'); }
function currentType() { return form().querySelector('input[name="type"]:checked').value; }

function currentCall() {
  const fields = {};
  FIELDS.forEach(function (name) { fields[name] = $('f-' + name).value; });
  return callOf(currentType(), fields);
}

function updatePreview() {
  const call = currentCall();
  const text = call.error ? 'rudderanalytics.' + call.type + '(…)'
    : callText('rudderanalytics', call.type, call.args).replace(/\s+/g, ' ');
  $('preview').textContent = text.length > 90 ? text.slice(0, 89) + '…' : text;
}

function showFields() {
  const type = currentType();
  form().querySelectorAll('[data-types]').forEach(function (node) {
    node.hidden = node.getAttribute('data-types').split(' ').indexOf(type) === -1;
  });
  $('payload-label').textContent = type === 'identify' || type === 'group'
    ? 'Traits (JSON)' : 'Properties (JSON)';
  updatePreview();
}

function clearPayloadError() {
  $('f-payload').removeAttribute('aria-invalid');
  $('payload-error').hidden = true;
  $('payload-error').textContent = '';
}

function usePreset(i) {
  const preset = PRESETS[i];
  form().querySelector('input[name="type"][value="' + preset.type + '"]').checked = true;
  FIELDS.forEach(function (name) {
    if (name !== 'payload') $('f-' + name).value = preset[name] !== undefined ? preset[name] : '';
  });
  $('f-payload').value = preset.raw !== undefined ? preset.raw
    : preset.payload !== undefined ? JSON.stringify(preset.payload, null, 2) : '';
  clearPayloadError();
  document.querySelectorAll('.preset').forEach(function (b, j) {
    b.setAttribute('aria-pressed', String(i === j));
  });
  showFields();
}

function send(onSend) {
  const call = currentCall();
  if (call.error) {
    $('f-payload').setAttribute('aria-invalid', 'true');
    $('payload-error').textContent = 'This is not valid JSON, so nothing was sent: ' + call.error;
    $('payload-error').hidden = false;
    $('f-payload').focus();
    return;
  }
  onSend(call);
}

/** Build the preset buttons, wire the form, fill it with the first preset. */
export function setUpForm(onSend) {
  PRESETS.forEach(function (preset, i) {
    const button = el('button', { type: 'button', className: 'preset', 'data-preset': preset.id,
      text: preset.label });
    button.addEventListener('click', function () { usePreset(i); });
    $('presets').appendChild(button);
  });
  form().querySelectorAll('input[name="type"]').forEach(function (radio) {
    radio.addEventListener('change', showFields);
  });
  form().addEventListener('input', function (e) {
    if (e.target === $('f-payload')) clearPayloadError();
    updatePreview();
  });
  form().addEventListener('submit', function (e) {
    e.preventDefault();
    send(onSend);
  });
  $('f-payload').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      send(onSend);
    }
  });
  usePreset(0);
}
