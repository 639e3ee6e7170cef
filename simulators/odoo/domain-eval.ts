import { valueError } from './errors';

// Odoo search domains in prefix (Polish) notation: consecutive leaves are AND-ed implicitly.

export type Leaf = [string, string, unknown];
export type DomainNode = { op: '&' | '|'; left: DomainNode; right: DomainNode } | { op: '!'; child: DomainNode } | { leaf: Leaf } | { always: boolean };

export const OPERATORS = ['=', '!=', '<>', 'in', 'not in', 'ilike', 'not ilike', 'like', 'not like', '=like', '=ilike', '>', '<', '>=', '<=', 'child_of'] as const;

function isLeaf(item: unknown): item is Leaf {
  return Array.isArray(item) && item.length === 3 && typeof item[0] === 'string' && typeof item[1] === 'string';
}

/** Parses a domain list into a tree; throws ValueError like Odoo for malformed input. */
export function parseDomain(domain: unknown): DomainNode {
  if (domain === undefined || domain === null || domain === false) return { always: true };
  if (!Array.isArray(domain)) throw valueError(`Invalid domain: ${JSON.stringify(domain)}`);
  let pos = 0;
  const next = (): DomainNode => {
    const item: unknown = domain[pos++];
    if (item === '&' || item === '|') return { op: item, left: next(), right: next() };
    if (item === '!') return { op: '!', child: next() };
    if (isLeaf(item)) {
      if (!(OPERATORS as readonly string[]).includes(item[1].toLowerCase())) throw valueError(`Invalid leaf ${JSON.stringify(item)}`);
      return { leaf: [item[0], item[1].toLowerCase(), item[2]] };
    }
    // Odoo's TRUE_LEAF / FALSE_LEAF
    if (Array.isArray(item) && item.length === 3 && item[0] === 1 && item[2] === 1) return { always: item[1] === '=' };
    if (Array.isArray(item) && item.length === 3 && item[0] === 0 && item[2] === 1) return { always: item[1] !== '=' };
    throw valueError(`Invalid leaf ${JSON.stringify(item)}`);
  };
  const roots: DomainNode[] = [];
  while (pos < domain.length) roots.push(next());
  if (roots.length === 0) return { always: true };
  return roots.reduce((left, right) => ({ op: '&', left, right }));
}

/**
 * Resolves a field path on one record to its raw value: scalars as stored, many2one as id or false,
 * x2many as a list of ids. Dotted paths through relations return a list of the values reached.
 */
export type Resolver = (path: string) => unknown;

function isEmpty(value: unknown): boolean {
  return value === false || value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/** SQL LIKE pattern to a RegExp: % any run, _ one char, backslash escapes either. */
function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let body = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) body += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (ch === '%') body += '.*';
    else if (ch === '_') body += '.';
    else body += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
}

function compareOne(value: unknown, op: string, target: unknown): boolean {
  switch (op) {
    case '=':
      if (target === false || target === null) return isEmpty(value);
      return value === target;
    case 'in':
      return Array.isArray(target) && (target.includes(value) || (isEmpty(value) && target.includes(false)));
    case 'ilike':
    case 'like': {
      if (isEmpty(value) || target === false) return false;
      const t = String(target);
      return op === 'ilike' ? String(value).toLowerCase().includes(t.toLowerCase()) : String(value).includes(t);
    }
    case '=like':
    case '=ilike':
      if (isEmpty(value)) return false;
      return likeToRegExp(String(target), op === '=ilike').test(String(value));
    case '>':
    case '<':
    case '>=':
    case '<=': {
      if (isEmpty(value) || target === false || target === null) return false;
      const a = value as number | string;
      const b = target as number | string;
      return op === '>' ? a > b : op === '<' ? a < b : op === '>=' ? a >= b : a <= b;
    }
    case 'child_of':
      return Array.isArray(target) ? target.includes(value) : value === target;
    default:
      throw valueError(`Invalid operator ${op}`);
  }
}

const NEGATED: Record<string, string> = { '!=': '=', '<>': '=', 'not in': 'in', 'not ilike': 'ilike', 'not like': 'like' };

function matchLeaf([path, rawOp, target]: Leaf, resolve: Resolver): boolean {
  const negatedOf = NEGATED[rawOp];
  const op = negatedOf ?? rawOp;
  const value = resolve(path);
  let hit: boolean;
  if (Array.isArray(value)) {
    // x2many or a dotted path: the leaf holds when any value reached matches.
    hit = value.length === 0 ? compareOne(false, op, target) : value.some((v) => compareOne(v, op, target));
  } else {
    hit = compareOne(value, op, target);
  }
  return negatedOf ? !hit : hit;
}

export function matchNode(node: DomainNode, resolve: Resolver): boolean {
  if ('always' in node) return node.always;
  if ('leaf' in node) return matchLeaf(node.leaf, resolve);
  if (node.op === '!') return !matchNode(node.child, resolve);
  if (node.op === '&') return matchNode(node.left, resolve) && matchNode(node.right, resolve);
  return matchNode(node.left, resolve) || matchNode(node.right, resolve);
}

/** Field names a domain mentions (first path segment), e.g. to know whether `active` is filtered. */
export function domainFields(node: DomainNode): string[] {
  if ('always' in node) return [];
  if ('leaf' in node) return [node.leaf[0].split('.')[0] ?? ''];
  if (node.op === '!') return domainFields(node.child);
  return [...domainFields(node.left), ...domainFields(node.right)];
}
