/**
 * What the UI knows about each collection: its natural key, list columns, filters and form
 * fields. The list, detail and form components are generic and read these descriptions.
 */
import { ApiError } from './api';
import { enumLabel, fieldLabel, t, translateError, translateFieldError } from './i18n.svelte';
import { formatDate, formatDateTime, formatMoney } from './format';
import {
  agencyKinds,
  agencyLevels,
  ratings,
  serviceTypes,
  type Certification,
  type CollectionName,
} from './types';

export type FieldKind =
  'text' | 'int' | 'money' | 'date' | 'datetime' | 'bool' | 'enum' | 'list' | 'certs';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  /** For kind 'enum': the values and the dictionary group of their labels (`enum.<group>.*`). */
  options?: readonly string[];
  enumGroup?: string;
  required?: boolean;
  /** Set by the server (derived or bookkeeping); shown, never sent. */
  readOnly?: boolean;
  /** A natural key: entered on create, fixed afterwards. */
  createOnly?: boolean;
  /** Empty input is sent as null. */
  nullable?: boolean;
  /** Only the authority may change it (a vendor edits its profile but not this). */
  authorityOnly?: boolean;
  /** Shown under the input. */
  hint?: 'derived' | 'list';
  inputMode?: 'numeric' | 'text';
  maxLength?: number;
}

export interface FilterSpec {
  /** Query parameter name. */
  param: string;
  kind: 'enum' | 'bool' | 'text' | 'date';
  options?: readonly string[];
  enumGroup?: string;
}

export interface CollectionSpec {
  name: CollectionName;
  /** The natural key, unique nationally (API.md). */
  key: string;
  /** The field that names a record in headings. */
  titleField: string;
  /** Columns of the list; all sortable. */
  columns: string[];
  defaultSort: string;
  filters: FilterSpec[];
  /** Every field, in display and form order. */
  fields: FieldSpec[];
}

const timestamps: FieldSpec[] = [
  { name: 'created_at', kind: 'datetime', readOnly: true },
  { name: 'updated_at', kind: 'datetime', readOnly: true },
];

const rating = (name: string): FieldSpec => ({
  name,
  kind: 'enum',
  options: ratings,
  enumGroup: 'rating',
  required: true,
});

export const collections: Record<CollectionName, CollectionSpec> = {
  agencies: {
    name: 'agencies',
    key: 'code',
    titleField: 'name',
    columns: ['code', 'name', 'level', 'kind', 'parent_code'],
    defaultSort: 'code',
    filters: [
      { param: 'level', kind: 'enum', options: agencyLevels, enumGroup: 'level' },
      { param: 'kind', kind: 'enum', options: agencyKinds, enumGroup: 'kind' },
    ],
    fields: [
      { name: 'code', kind: 'text', required: true, createOnly: true, maxLength: 32 },
      { name: 'name', kind: 'text', required: true, maxLength: 200 },
      { name: 'parent_code', kind: 'text', nullable: true, maxLength: 32 },
      { name: 'level', kind: 'enum', options: agencyLevels, enumGroup: 'level', required: true },
      { name: 'kind', kind: 'enum', options: agencyKinds, enumGroup: 'kind', required: true },
      ...timestamps,
    ],
  },
  vendors: {
    name: 'vendors',
    key: 'tax_id',
    titleField: 'name',
    columns: ['tax_id', 'name', 'prc_capital'],
    defaultSort: 'tax_id',
    filters: [{ param: 'prc_capital', kind: 'bool' }],
    fields: [
      {
        name: 'tax_id',
        kind: 'text',
        required: true,
        createOnly: true,
        inputMode: 'numeric',
        maxLength: 8,
      },
      { name: 'name', kind: 'text', required: true, maxLength: 200 },
      { name: 'prc_capital', kind: 'bool', authorityOnly: true },
      { name: 'certifications', kind: 'certs' },
      { name: 'subcontractors', kind: 'list', hint: 'list', inputMode: 'numeric' },
      ...timestamps,
    ],
  },
  systems: {
    name: 'systems',
    key: 'system_id',
    titleField: 'name',
    columns: ['system_id', 'name', 'agency_code', 'protection_level', 'core', 'ci'],
    defaultSort: 'system_id',
    filters: [
      { param: 'protection_level', kind: 'enum', options: ratings, enumGroup: 'rating' },
      { param: 'core', kind: 'bool' },
      { param: 'agency_code', kind: 'text' },
    ],
    fields: [
      { name: 'agency_code', kind: 'text', required: true, maxLength: 32 },
      { name: 'system_id', kind: 'text', required: true, createOnly: true, maxLength: 64 },
      { name: 'name', kind: 'text', required: true, maxLength: 200 },
      rating('confidentiality'),
      rating('integrity'),
      rating('availability'),
      rating('legal'),
      { name: 'core', kind: 'bool' },
      { name: 'ci', kind: 'bool' },
      {
        name: 'protection_level',
        kind: 'enum',
        options: ratings,
        enumGroup: 'rating',
        readOnly: true,
        hint: 'derived',
      },
      ...timestamps,
    ],
  },
  contracts: {
    name: 'contracts',
    key: 'contract_id',
    titleField: 'title',
    columns: [
      'contract_id',
      'title',
      'agency_code',
      'vendor_tax_id',
      'service_type',
      'amount',
      'end_date',
    ],
    defaultSort: 'contract_id',
    filters: [
      { param: 'service_type', kind: 'enum', options: serviceTypes, enumGroup: 'service_type' },
      { param: 'agency_code', kind: 'text' },
      { param: 'vendor_tax_id', kind: 'text' },
      // Contracts with start_date <= date <= end_date.
      { param: 'in_force_on', kind: 'date' },
    ],
    fields: [
      { name: 'contract_id', kind: 'text', required: true, createOnly: true, maxLength: 64 },
      { name: 'agency_code', kind: 'text', required: true, maxLength: 32 },
      { name: 'vendor_tax_id', kind: 'text', required: true, inputMode: 'numeric', maxLength: 8 },
      { name: 'title', kind: 'text', required: true, maxLength: 300 },
      {
        name: 'service_type',
        kind: 'enum',
        options: serviceTypes,
        enumGroup: 'service_type',
        required: true,
      },
      { name: 'amount', kind: 'money', required: true },
      { name: 'start_date', kind: 'date', required: true },
      { name: 'end_date', kind: 'date', required: true },
      { name: 'system_ids', kind: 'list', hint: 'list' },
      { name: 'joint_audit_clause', kind: 'bool' },
      { name: 'remote_maintenance', kind: 'bool' },
      { name: 'subcontractor_tax_ids', kind: 'list', hint: 'list', inputMode: 'numeric' },
      ...timestamps,
    ],
  },
};

export function fieldSpec(collection: CollectionSpec, name: string): FieldSpec | undefined {
  return collection.fields.find((field) => field.name === name);
}

function isCertification(value: unknown): value is Certification {
  return typeof value === 'object' && value !== null && 'name' in value;
}

/** A record value as text for tables, detail pages and history. */
export function formatValue(field: FieldSpec | undefined, value: unknown): string {
  if (value === null || value === undefined || value === '') return t('common.none');
  switch (field?.kind) {
    case 'bool':
      return value === true ? t('common.yes') : value === false ? t('common.no') : String(value);
    case 'enum':
      return enumLabel(field.enumGroup ?? field.name, String(value));
    case 'date':
      return formatDate(String(value));
    case 'datetime':
      return formatDateTime(String(value));
    case 'money':
      return typeof value === 'number' ? formatMoney(value) : String(value);
    case 'certs':
      if (!Array.isArray(value)) return String(value);
      if (value.length === 0) return t('common.none');
      return value
        .filter(isCertification)
        .map((cert) =>
          cert.expires_on ? `${cert.name} (${formatDate(cert.expires_on)})` : cert.name,
        )
        .join('、');
    default:
      if (Array.isArray(value))
        return value.length ? value.map(String).join(', ') : t('common.none');
      if (typeof value === 'object') return JSON.stringify(value);
      return String(value);
  }
}

// --- Forms ----------------------------------------------------------------------------------

export interface CertificationInput {
  name: string;
  expires_on: string;
}

/** What an input holds: text for most, a boolean for checkboxes, rows for certifications. */
export type FormValue = string | boolean | CertificationInput[];
export type FormValues = Record<string, FormValue>;

/** The fields a form edits: everything not server-set, natural keys only on create. */
export function editableFields(collection: CollectionSpec, mode: 'create' | 'edit'): FieldSpec[] {
  return collection.fields.filter(
    (field) => !field.readOnly && !(mode === 'edit' && field.createOnly),
  );
}

export function toFormValues(collection: CollectionSpec, record: Record<string, unknown> | null) {
  const values: FormValues = {};
  for (const field of collection.fields) {
    const value = record?.[field.name];
    switch (field.kind) {
      case 'bool':
        values[field.name] = value === true;
        break;
      case 'list':
        values[field.name] = Array.isArray(value) ? value.map(String).join(', ') : '';
        break;
      case 'certs':
        values[field.name] = Array.isArray(value)
          ? value
              .filter(isCertification)
              .map((cert) => ({ name: cert.name, expires_on: cert.expires_on ?? '' }))
          : [];
        break;
      default:
        values[field.name] = value === null || value === undefined ? '' : String(value);
    }
  }
  return values;
}

const integerPattern = /^-?\d+$/;

/**
 * Turns form values into a JSON record. Checks only what cannot be sent as JSON at all (an
 * empty required field, a non-number amount); the server validates everything else.
 */
export function fromFormValues(
  fields: FieldSpec[],
  values: FormValues,
): { record: Record<string, unknown>; errors: Record<string, string[]> } {
  const record: Record<string, unknown> = {};
  const errors: Record<string, string[]> = {};
  for (const field of fields) {
    const value = values[field.name];
    switch (field.kind) {
      case 'bool':
        record[field.name] = value === true;
        break;
      case 'list':
        record[field.name] = String(value ?? '')
          .split(/[,;\n、，]/)
          .map((item) => item.trim())
          .filter((item) => item !== '');
        break;
      case 'certs':
        record[field.name] = (Array.isArray(value) ? value : [])
          .filter((cert) => cert.name.trim() !== '')
          .map((cert) => ({ name: cert.name.trim(), expires_on: cert.expires_on || null }));
        break;
      case 'int':
      case 'money': {
        const text = String(value ?? '')
          .trim()
          .replace(/,/g, '');
        if (text === '') {
          if (field.required) errors[field.name] = ['required'];
          else record[field.name] = null;
        } else if (!integerPattern.test(text)) {
          errors[field.name] = ['notANumber'];
        } else {
          record[field.name] = Number(text);
        }
        break;
      }
      default: {
        const text = String(value ?? '').trim();
        if (text === '' && field.required) errors[field.name] = ['required'];
        else
          record[field.name] =
            text === '' && (field.nullable || field.kind === 'date') ? null : text;
      }
    }
  }
  return { record, errors };
}

/** The fields of `next` whose values differ from `original` (a PATCH body). */
export function changedFields(
  original: Record<string, unknown>,
  next: Record<string, unknown>,
): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(next)) {
    const before = original[name] === undefined ? null : original[name];
    if (JSON.stringify(before) !== JSON.stringify(value)) changes[name] = value;
  }
  return changes;
}

/**
 * Routes a server's field errors to the form's fields. A nested name such as
 * `certifications[0].expires_on` goes to `certifications`; names the form does not show are
 * returned apart so the banner can mention them.
 */
export function routeFieldErrors(
  error: ApiError,
  formFields: string[],
): { byField: Record<string, string[]>; unrouted: [string, string[]][] } {
  const byField: Record<string, string[]> = {};
  const unrouted: [string, string[]][] = [];
  for (const [name, codes] of Object.entries(error.fields)) {
    const base = name.split(/[.[]/)[0] ?? name;
    if (formFields.includes(base)) byField[base] = [...(byField[base] ?? []), ...codes];
    else unrouted.push([name, codes]);
  }
  return { byField, unrouted };
}

/** A record's heading: its name or title, else its natural key. */
export function recordTitle(collection: CollectionSpec, record: Record<string, unknown>): string {
  const title = record[collection.titleField] ?? record[collection.key] ?? record['id'];
  return typeof title === 'string' || typeof title === 'number' ? String(title) : '';
}

/** The import columns of each kind, in order (for the import page's hint). */
export const importColumns: Record<CollectionName, string[]> = {
  agencies: ['code', 'name', 'parent_code', 'level', 'kind'],
  vendors: ['tax_id', 'name', 'prc_capital', 'certifications', 'subcontractors'],
  systems: [
    'agency_code',
    'system_id',
    'name',
    'confidentiality',
    'integrity',
    'availability',
    'legal',
    'core',
    'ci',
  ],
  contracts: [
    'contract_id',
    'agency_code',
    'vendor_tax_id',
    'title',
    'service_type',
    'amount',
    'start_date',
    'end_date',
    'system_ids',
    'joint_audit_clause',
    'remote_maintenance',
    'subcontractor_tax_ids',
  ],
};

/** How a failed save shows: field errors beside their inputs, the rest in a banner. */
export interface SaveErrorView {
  fieldErrors: Record<string, string[]>;
  banner: { message: string; details: string[] };
}

export function saveErrorView(
  collection: CollectionSpec,
  mode: 'create' | 'edit',
  caught: unknown,
): SaveErrorView {
  if (!(caught instanceof ApiError) || Object.keys(caught.fields).length === 0) {
    return { fieldErrors: {}, banner: { message: translateError(caught), details: [] } };
  }
  const formFields = editableFields(collection, mode).map((field) => field.name);
  const routed = routeFieldErrors(caught, formFields);
  const details = routed.unrouted.map(
    ([name, codes]) =>
      `${fieldLabel(name, collection.name)}: ${codes.map((code) => translateFieldError(code)).join(' ')}`,
  );
  const message = Object.keys(routed.byField).length ? t('form.fixErrors') : translateError(caught);
  return { fieldErrors: routed.byField, banner: { message, details } };
}
