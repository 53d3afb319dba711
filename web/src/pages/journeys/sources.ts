import { segmentsApi } from '../../api/segments.ts';
import { tagsApi } from '../../api/tags.ts';
import { useLoad } from '../../components/useLoad.ts';
import { contentApi, policyApi, type Channel } from '../campaigns/api.ts';

/** What the journey editor's pickers offer: approved content, enabled channels, manual tags, saved segments, events. */
export interface EditorSources {
  readonly content: readonly { id: number; title: string; version: number }[];
  readonly channels: readonly Channel[];
  readonly manualTags: readonly { key: string; values: readonly string[] }[];
  readonly segments: readonly { id: string; name: string }[];
  readonly events: readonly string[];
}

/** Loads the editor's pickers once (null while loading). */
export function useEditorSources(): EditorSources | null {
  const loaded = useLoad(async (signal) => {
    const [content, channels, tags, segments, catalogue] = await Promise.all([
      contentApi.list(signal),
      policyApi.channels(signal),
      tagsApi.list(signal),
      segmentsApi.list(signal),
      segmentsApi.catalogue(signal),
    ]);
    return {
      content: content
        .filter((c) => c.approvedVersion !== null && !c.archived)
        .map((c) => ({ id: c.id, title: c.title, version: c.approvedVersion! })),
      channels: channels.filter((c) => c.enabled),
      manualTags: tags.tags
        .filter((t) => t.kind === 'manual')
        .map((t) => ({ key: t.key, values: t.values.map((v) => v.value) })),
      segments: segments.segments.map((s) => ({ id: s.id, name: s.name })),
      events: catalogue.events.map((e) => e.name),
    } satisfies EditorSources;
  }, []);
  return loaded.data;
}
