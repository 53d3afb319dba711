import { App, Alert, Button, Card, Col, Input, Row, Skeleton, Space, Tooltip, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { errorText } from '../../api/client.ts';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useSubmit } from '../../components/useSubmit.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { journeysApi, type JourneyBody, type JourneyProblem, type NodeKind } from './api.ts';
import { EntryForm } from './EntryForm.tsx';
import {
  addNode,
  defaultNode,
  depositMaturityTemplate,
  newNodeId,
  positions,
  problemNode,
  removeNode,
  replaceNode,
} from './graph.ts';
import { JourneyCanvas } from './JourneyCanvas.tsx';
import { KIND_ICONS } from './NodeCard.tsx';
import { NodeInspector } from './NodeInspector.tsx';
import { useEditorSources, type EditorSources } from './sources.ts';

const PALETTE: readonly NodeKind[] = [
  'wait',
  'branch',
  'split',
  'send',
  'task',
  'tag',
  'wait_for_event',
  'exit',
];

/** Problems of the body from the server's own check, by node (those about no node under ''). */
function byNode(body: JourneyBody, problems: readonly JourneyProblem[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of problems) {
    const node = problemNode(body, p as never) ?? '';
    out.set(node, [...(out.get(node) ?? []), p.message]);
  }
  return out;
}

/** /journeys/new and /journeys/{id}/edit: the canvas editor, checked live by the server as the graph changes. */
export function JourneyEditor({ id }: { id?: number }) {
  const { t } = useI18n();
  const sources = useEditorSources();
  const existing = useLoad(async (signal) => (id ? journeysApi.get(id, signal) : null), [id]);
  if (existing.error)
    return <LoadError error={existing.error} title={t('jny.loadFailed')} onRetry={existing.reload} />;
  if (!sources || existing.loading) return <Skeleton active paragraph={{ rows: 10 }} />;
  const start = existing.data
    ? { name: existing.data.name, body: existing.data.latest.body as unknown as JourneyBody }
    : { name: t('jny.template.name'), body: templateFrom(sources) };
  return <Editor key={id ?? 'new'} id={id} initial={start} sources={sources} />;
}

function templateFrom(sources: EditorSources): JourneyBody {
  const content = sources.content[0];
  const channel = sources.channels.find((c) => c.reaches === 'sms') ?? sources.channels[0];
  return depositMaturityTemplate({
    contentId: content?.id ?? 1,
    contentVersion: content?.version ?? 1,
    channel: channel?.key ?? 'sms',
  });
}

function Editor(props: {
  id: number | undefined;
  initial: { name: string; body: JourneyBody };
  sources: EditorSources;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [name, setName] = useState(props.initial.name);
  const [body, setBody] = useState<JourneyBody>(props.initial.body);
  const [selected, setSelected] = useState<string | null>(props.initial.body.start);
  const [problems, setProblems] = useState<readonly JourneyProblem[] | null>(null);
  const { busy, failure, submit } = useSubmit();

  // The server checks the graph as it changes (its validation, not a copy): 300 ms after the last edit.
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      journeysApi
        .check(body, controller.signal)
        .then(setProblems)
        .catch((e: unknown) => {
          if (!controller.signal.aborted)
            setProblems([
              { path: [], message: errorText(e), code: 'check_failed' } as unknown as JourneyProblem,
            ]);
        });
    }, 300);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [body]);

  const problemMap = useMemo(() => byNode(body, problems ?? []), [body, problems]);
  const node = body.nodes.find((n) => n.id === selected);

  const add = (kind: NodeKind) => {
    const nodeId = newNodeId(body, kind);
    const at = positions(body);
    // Below everything drawn, under the selected node: a new node never lands on another.
    const anchor = (selected && at.get(selected)) || { x: 0, y: 0 };
    const bottom = Math.max(0, ...[...at.values()].map((p) => p.y));
    const first = props.sources.content[0];
    const channel = props.sources.channels[0];
    setBody(
      addNode(
        body,
        defaultNode(nodeId, kind, {
          ...(first ? { contentId: first.id, contentVersion: first.version } : {}),
          ...(channel ? { channel: channel.key } : {}),
        }),
        { x: anchor.x, y: bottom + 170 },
      ),
    );
    setSelected(nodeId);
  };

  const save = (publish: boolean) =>
    submit(async () => {
      const saved = props.id
        ? { id: props.id, ...(await journeysApi.revise(props.id, name, body)) }
        : await journeysApi.create(name, body);
      if (publish) await journeysApi.publish(saved.id);
      message.success(t(publish ? 'jny.published' : 'jny.saved'));
      navigate(`/journeys/${saved.id}`);
    });

  const valid = problems !== null && problems.length === 0;
  return (
    <div data-testid="journey-editor">
      <PageHeader
        title={props.id ? t('jny.edit.title') : t('jny.new.title')}
        extra={
          <Space>
            <Button onClick={() => navigate(props.id ? `/journeys/${props.id}` : '/journeys')}>
              {t('jny.cancel')}
            </Button>
            <Button loading={busy} onClick={() => void save(false)} data-testid="journey-save">
              {t('jny.save')}
            </Button>
            <Tooltip title={valid ? '' : t('jny.fixFirst')}>
              <Button
                type="primary"
                loading={busy}
                disabled={!valid}
                onClick={() => void save(true)}
                data-testid="journey-publish"
              >
                {t('jny.saveAndPublish')}
              </Button>
            </Tooltip>
          </Space>
        }
      />
      {failure && (
        <Alert
          type="error"
          showIcon
          message={failure}
          style={{ marginBottom: 12 }}
          data-testid="journey-save-error"
        />
      )}
      <Space direction="vertical" style={{ width: '100%' }} size={12}>
        <Input
          value={name}
          maxLength={128}
          onChange={(e) => setName(e.target.value)}
          addonBefore={t('jny.name')}
          data-testid="journey-name"
        />
        <EntryForm body={body} sources={props.sources} onChange={setBody} />
        <Row gutter={12}>
          <Col xs={24} xl={16}>
            <Card size="small" styles={{ body: { padding: 8 } }}>
              <Space wrap style={{ marginBottom: 8 }} data-testid="journey-palette">
                <Typography.Text type="secondary">{t('jny.palette')}</Typography.Text>
                {PALETTE.map((kind) => (
                  <Button
                    key={kind}
                    size="small"
                    icon={KIND_ICONS[kind]}
                    onClick={() => add(kind)}
                    data-testid={`journey-add-${kind}`}
                  >
                    {t(`jny.kind.${kind}`)}
                  </Button>
                ))}
              </Space>
              <JourneyCanvas
                body={body}
                editable
                problems={problemMap}
                selected={selected}
                onSelect={setSelected}
                onChange={setBody}
              />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('jny.canvas.help')}
              </Typography.Text>
            </Card>
          </Col>
          <Col xs={24} xl={8}>
            <NodeInspector
              node={node}
              isStart={node?.id === body.start}
              sources={props.sources}
              problems={node ? (problemMap.get(node.id) ?? []) : []}
              onChange={(n) => setBody(replaceNode(body, n))}
              onDelete={() => {
                if (node) setBody(removeNode(body, node.id));
                setSelected(null);
              }}
              onMakeStart={() => node && setBody({ ...body, start: node.id })}
            />
            <Card
              size="small"
              style={{ marginTop: 12 }}
              title={t('jny.check.title')}
              data-testid="journey-check"
            >
              {problems === null ? (
                <Typography.Text type="secondary">{t('jny.check.running')}</Typography.Text>
              ) : problems.length === 0 ? (
                <Typography.Text type="success" data-testid="journey-check-ok">
                  {t('jny.check.ok')}
                </Typography.Text>
              ) : (
                <div data-testid="journey-check-problems">
                  {[...problemMap.entries()].flatMap(([nodeId, list]) =>
                    list.map((p, i) => (
                      <Typography.Text
                        key={`${nodeId}-${i}`}
                        type="danger"
                        style={{ display: 'block', fontSize: 12, cursor: nodeId ? 'pointer' : undefined }}
                        onClick={() => nodeId && setSelected(nodeId)}
                      >
                        {nodeId ? <b data-raw-key>{nodeId}: </b> : null}
                        {p}
                      </Typography.Text>
                    )),
                  )}
                </div>
              )}
            </Card>
          </Col>
        </Row>
      </Space>
    </div>
  );
}
