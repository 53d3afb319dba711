import { DeleteOutlined, StopOutlined, UndoOutlined } from '@ant-design/icons';
import { Segmented, Space, Tag, Typography } from 'antd';
import type { CSSProperties, ReactNode } from 'react';
import type { Issue } from '../../../api/client.ts';
import { matchRule, pathText, ruleKind, type Rule, type Step } from '../../../api/rule.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AddMenu } from './AddMenu.tsx';
import { AttrCondition } from './AttrCondition.tsx';
import { useBuilder } from './context.ts';
import { EventCondition } from './EventCondition.tsx';
import { HoldsCondition } from './HoldsCondition.tsx';
import { ListCondition, SampleCondition, SegmentCondition } from './RefConditions.tsx';
import { TagCondition } from './TagCondition.tsx';
import { IconAction } from '../../../components/IconAction.tsx';

/** Changes the node at `steps` (undefined removes it). */
export type Edit = (steps: readonly Step[], fn: (node: Rule) => Rule | undefined) => void;

const COLORS = { all: '#1677ff', any: '#fa8c16', not: '#cf1322', leaf: '#d9dde3' } as const;

/** One rule object of the tree, drawn by kind, with the server's issues about it underneath. */
export function RuleNode({ rule, steps, edit }: { rule: Rule; steps: readonly Step[]; edit: Edit }) {
  return matchRule(
    rule,
    {
      all: (group) => <GroupNode items={group.all} kind="all" steps={steps} edit={edit} />,
      any: (group) => <GroupNode items={group.any} kind="any" steps={steps} edit={edit} />,
      not: (negation) => <NotNode child={negation.not} steps={steps} edit={edit} />,
    },
    () => <LeafNode rule={rule} steps={steps} edit={edit} />,
  );
}

/** The group at `kind` of the rule's children and `added`; the rule itself when it is not a group. */
function regroup(rule: Rule, kind: 'all' | 'any', added: readonly Rule[] = []): Rule {
  const children = matchRule<readonly Rule[] | null>(
    rule,
    { all: (g) => g.all, any: (g) => g.any },
    () => null,
  );
  if (children === null) return rule;
  return kind === 'all' ? { all: [...children, ...added] } : { any: [...children, ...added] };
}

function Issues({ path }: { path: string }) {
  const { issues } = useBuilder();
  const list = issues.get(path);
  if (!list?.length) return null;
  return (
    <div data-testid="node-issues" data-path={path} style={{ marginTop: 6 }}>
      {list.map((issue: Issue, i) => (
        <Typography.Text key={i} type="danger" style={{ display: 'block', fontSize: 13 }}>
          {issue.field ? <Typography.Text code>{issue.field}</Typography.Text> : null} {issue.message}
        </Typography.Text>
      ))}
    </div>
  );
}

/** Wraps the node at `steps` in a negation. */
function NegateAction({ steps, edit }: { steps: readonly Step[]; edit: Edit }) {
  const { t } = useI18n();
  return (
    <IconAction
      title={t('builder.negate')}
      size="small"
      icon={<StopOutlined />}
      onClick={() => edit(steps, (r) => ({ not: r }))}
      testId="node-negate"
    />
  );
}

function NodeActions({ steps, edit, negate }: { steps: readonly Step[]; edit: Edit; negate: boolean }) {
  const { t } = useI18n();
  return (
    <Space size={0}>
      {negate && <NegateAction steps={steps} edit={edit} />}
      <IconAction
        title={t('builder.remove')}
        size="small"
        danger
        icon={<DeleteOutlined />}
        onClick={() => edit(steps, () => undefined)}
        testId="node-remove"
      />
    </Space>
  );
}

function Frame(props: {
  path: string;
  kind: string;
  color: string;
  invalid: boolean;
  children: ReactNode;
  style?: CSSProperties;
}) {
  const { incomplete } = useBuilder();
  const unfinished = !props.invalid && (incomplete?.has(props.path) ?? false);
  return (
    <div
      data-testid="rule-node"
      data-path={props.path}
      data-kind={props.kind}
      data-invalid={props.invalid ? 'true' : 'false'}
      data-incomplete={unfinished ? 'true' : 'false'}
      style={{
        border: `1px solid ${props.invalid ? '#ff7875' : unfinished ? '#ffd591' : '#eef0f3'}`,
        borderInlineStart: `3px solid ${props.invalid ? '#ff4d4f' : unfinished ? '#fa8c16' : props.color}`,
        borderRadius: 6,
        padding: '10px 12px',
        background: '#fff',
        ...props.style,
      }}
    >
      {props.children}
    </div>
  );
}

function GroupNode({
  items,
  kind,
  steps,
  edit,
}: {
  items: readonly Rule[];
  kind: 'all' | 'any';
  steps: readonly Step[];
  edit: Edit;
}) {
  const { t } = useI18n();
  const { issues } = useBuilder();
  const path = pathText(steps);
  const root = steps.length === 0;
  return (
    <Frame
      path={path}
      kind={kind}
      color={COLORS[kind]}
      invalid={issues.has(path)}
      style={{ background: steps.length % 2 ? '#fafbfc' : '#fff' }}
    >
      <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 8 }}>
        <Space size={8}>
          <Segmented<'all' | 'any'>
            size="small"
            value={kind}
            onChange={(next) => edit(steps, (r) => regroup(r, next))}
            options={[
              { value: 'all', label: <span data-testid="group-all">{t('builder.group.all')}</span> },
              { value: 'any', label: <span data-testid="group-any">{t('builder.group.any')}</span> },
            ]}
          />
          <Typography.Text type="secondary">{t('builder.group.ofTheFollowing')}</Typography.Text>
        </Space>
        {!root && <NodeActions steps={steps} edit={edit} negate />}
        {root && items.length > 0 && <NegateAction steps={steps} edit={edit} />}
      </div>
      <Issues path={path} />
      <Space orientation="vertical" size={8} style={{ width: '100%', marginTop: 10 }}>
        {items.map((child, i) => (
          <RuleNode key={i} rule={child} steps={[...steps, [kind, i]]} edit={edit} />
        ))}
        {items.length === 0 && <Typography.Text type="secondary">{t('builder.group.empty')}</Typography.Text>}
        <AddMenu testId={`add-to-${path}`} onAdd={(added) => edit(steps, (r) => regroup(r, kind, [added]))} />
      </Space>
    </Frame>
  );
}

function NotNode({ child, steps, edit }: { child: Rule; steps: readonly Step[]; edit: Edit }) {
  const { t } = useI18n();
  const { issues } = useBuilder();
  const path = pathText(steps);
  return (
    <Frame
      path={path}
      kind="not"
      color={COLORS.not}
      invalid={issues.has(path)}
      style={{ background: '#fff8f8' }}
    >
      <div
        style={{
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'space-between',
          gap: 8,
          marginBottom: 8,
        }}
      >
        <Space size={8}>
          <Tag color="red">{t('builder.not')}</Tag>
          <Typography.Text type="secondary">{t('builder.notHelp')}</Typography.Text>
        </Space>
        <Space size={0}>
          <IconAction
            title={t('builder.unNegate')}
            size="small"
            icon={<UndoOutlined />}
            onClick={() => edit(steps, (r) => matchRule(r, { not: (negation) => negation.not }, () => r))}
            testId="node-unnegate"
          />
          {steps.length > 0 && <NodeActions steps={steps} edit={edit} negate={false} />}
        </Space>
      </div>
      <Issues path={path} />
      <RuleNode rule={child} steps={[...steps, ['not']]} edit={edit} />
    </Frame>
  );
}

function LeafNode({ rule, steps, edit }: { rule: Rule; steps: readonly Step[]; edit: Edit }) {
  const { t } = useI18n();
  const { issues } = useBuilder();
  const path = pathText(steps);
  const kind = ruleKind(rule) ?? 'tag';
  const onChange = (next: Rule) => edit(steps, () => next);
  const body = matchRule<ReactNode>(
    rule,
    {
      tag: (r) => <TagCondition rule={r} onChange={onChange} />,
      attr: (r) => <AttrCondition rule={r} onChange={onChange} />,
      holds: (r) => <HoldsCondition rule={r} onChange={onChange} />,
      event: (r) => <EventCondition rule={r} onChange={onChange} />,
      segment: (r) => <SegmentCondition rule={r} onChange={onChange} />,
      list: (r) => <ListCondition rule={r} onChange={onChange} />,
      sample: (r) => <SampleCondition rule={r} onChange={onChange} />,
    },
    () => undefined,
  );
  return (
    <Frame path={path} kind={kind} color={COLORS.leaf} invalid={issues.has(path)}>
      <div style={{ display: 'flex', alignItems: 'flex-start', gap: 8 }}>
        <Tag style={{ marginTop: 5, flex: 'none' }}>{t(`builder.kind.${kind}`)}</Tag>
        <div
          style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8, flex: 1, minWidth: 0 }}
        >
          {body}
        </div>
        <div style={{ flex: 'none' }}>
          {steps.length > 0 ? (
            <NodeActions steps={steps} edit={edit} negate />
          ) : (
            <AddMenu testId="add-to-$" onAdd={(added) => edit(steps, (r) => ({ all: [r, added] }))} />
          )}
        </div>
      </div>
      <Issues path={path} />
    </Frame>
  );
}
