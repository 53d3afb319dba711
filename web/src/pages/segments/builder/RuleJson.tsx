import { Alert, Button, Input, Space, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { ruleKind, type Rule } from '../../../api/rule.ts';
import { useI18n } from '../../../i18n/i18n.tsx';

const pretty = (rule: Rule) => JSON.stringify(rule, null, 2);

/**
 * The rule as its public JSON, editable: text that parses to a rule object replaces the rule (the builder and the
 * live count follow); text that does not parse stays here with the reason, and the rule is left as it was.
 */
export function RuleJson({ rule, onChange }: { rule: Rule; onChange: (rule: Rule) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState(() => pretty(rule));
  const [problem, setProblem] = useState<string | null>(null);
  const applied = useRef(JSON.stringify(rule));

  // An edit made in the builder replaces the text; the text's own edits come back here unchanged.
  useEffect(() => {
    const json = JSON.stringify(rule);
    if (json !== applied.current) {
      applied.current = json;
      setText(pretty(rule));
      setProblem(null);
    }
  }, [rule]);

  const edit = (next: string) => {
    setText(next);
    let parsed: unknown;
    try {
      parsed = JSON.parse(next);
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
      return;
    }
    if (ruleKind(parsed) === null) {
      setProblem(t('builder.json.notARule'));
      return;
    }
    setProblem(null);
    applied.current = JSON.stringify(parsed);
    onChange(parsed as Rule);
  };

  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('builder.json.help')}</Typography.Text>
      <Input.TextArea
        value={text}
        onChange={(e) => edit(e.target.value)}
        autoSize={{ minRows: 12, maxRows: 32 }}
        spellCheck={false}
        style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: 12.5 }}
        data-testid="rule-json"
        status={problem ? 'error' : undefined}
      />
      {problem && (
        <Alert
          type="error"
          showIcon
          title={t('builder.json.invalid')}
          description={problem}
          data-testid="rule-json-error"
        />
      )}
      <Button size="small" onClick={() => void navigator.clipboard?.writeText(JSON.stringify(rule))}>
        {t('builder.json.copy')}
      </Button>
    </Space>
  );
}
