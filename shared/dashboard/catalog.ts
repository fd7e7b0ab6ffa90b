import { useEffect, useState } from 'preact/hooks';
import { get, type Template } from './api';

let cached: Promise<Template[]> | undefined;

/** The templates catalog (GET /api/integrations/templates), fetched once per page load. */
export function useTemplates(): { templates?: Template[]; error?: unknown } {
  const [state, setState] = useState<{ templates?: Template[]; error?: unknown }>({});
  useEffect(() => {
    cached ??= get<{ templates: Template[] }>('/api/integrations/templates').then((r) => r.templates);
    cached.then(
      (templates) => setState({ templates }),
      (error) => {
        cached = undefined;
        setState({ error });
      },
    );
  }, []);
  return state;
}

/** The data types an integration syncs: the connector's own, a custom API's configured streams, or a file integration's one. */
export function dataTypesOf(t: Template | undefined, config: Record<string, unknown>): string[] {
  const streams = Array.isArray(config.streams) ? (config.streams as { name?: unknown }[]).map((s) => String(s.name ?? '')).filter(Boolean) : [];
  if (t?.imported && typeof config.dataType === 'string') return [config.dataType];
  return [...new Set([...(t?.dataTypes ?? []), ...streams])];
}
