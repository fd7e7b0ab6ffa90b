import { ValidationError } from '../errors';
import { compileTemplate, isEmpty, TemplateError, type TransformContext } from '../mapping/template';
import { TEMPLATE_FIELDS, type Action } from './schema';

/** An action's template fields compiled once: `render(data)` gives the same shape with every string leaf filled in. */
export interface CompiledAction {
  /** `prepare` gives the record's values as one field wants them (escaped for HTML, mrkdwn). */
  render(data: unknown, ctx: TransformContext, prepare?: (field: string) => unknown): Record<string, unknown>;
}

type Node = (data: unknown, ctx: TransformContext) => unknown;

function compileNode(value: unknown, path: string): Node {
  if (typeof value === 'string') {
    try {
      const t = compileTemplate(value);
      return (data, ctx) => t.render(data, ctx);
    } catch (err) {
      if (err instanceof TemplateError) throw new ValidationError(`${path}: ${err.message}`, [{ path, message: err.message }]);
      throw err;
    }
  }
  if (Array.isArray(value)) {
    const items = value.map((v, i) => compileNode(v, `${path}.${i}`));
    return (data, ctx) => items.map((f) => f(data, ctx)).filter((v) => !isEmpty(v));
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, compileNode(v, `${path}.${k}`)] as const);
    return (data, ctx) => {
      const out: Record<string, unknown> = {};
      for (const [k, f] of entries) {
        const v = f(data, ctx);
        if (!isEmpty(v)) out[k] = v;
      }
      return out;
    };
  }
  return () => value;
}

/** Compiles the action's template fields; a bad template is a 400 naming it (`actions.0.body`). */
export function compileAction(action: Action, path: string): CompiledAction {
  const fields = TEMPLATE_FIELDS[action.type]
    .filter((f) => (action as Record<string, unknown>)[f] !== undefined)
    .map((f) => [f, compileNode((action as Record<string, unknown>)[f], `${path}.${f}`)] as const);
  return {
    render(data, ctx, prepare) {
      const out: Record<string, unknown> = {};
      for (const [f, node] of fields) {
        const v = node(prepare ? prepare(f) : data, ctx);
        if (!isEmpty(v)) out[f] = v;
      }
      return out;
    },
  };
}
