import { Alert, App, Button, Card, Checkbox, Form, Input, List, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { useSubmit } from '../../components/useSubmit.ts';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { activitiesApi, type ActivityView } from './api.ts';

const CONSENTS = ['sms', 'phone', 'wecom', 'email'] as const;

/** Uploads an attendance sheet (CSV read in the browser); a refused sheet lists its located problems. */
export function AttendanceCard({ id, onDone }: { id: number; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [file, setFile] = useState<{ name: string; csv: string } | null>(null);
  const [problems, setProblems] = useState<readonly { path: string; message: string }[]>([]);
  const { busy, failure, submit } = useSubmit();
  const upload = () =>
    submit(async () => {
      if (!file) return;
      setProblems([]);
      try {
        const r = await activitiesApi.attendance(id, file.csv);
        message.success(t('act.attendance.done', { ...r }));
        setFile(null);
        onDone();
      } catch (e) {
        if (e instanceof ApiError && e.validationIssues.length > 0) setProblems(e.validationIssues);
        else throw e;
      }
    });
  const rows = file ? file.csv.split(/\r?\n/).filter((l) => l.trim()).length - 1 : 0;
  return (
    <Card size="small" title={t('act.attendance')} data-testid="activity-attendance">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('act.attendance.help')}
      </Typography.Paragraph>
      <Space wrap>
        <label>
          <Typography.Text>{t('act.attendance.file')} </Typography.Text>
          <input
            type="file"
            accept=".csv,text/csv"
            data-testid="attendance-file"
            onChange={(e) => {
              const chosen = e.target.files?.[0];
              setProblems([]);
              if (chosen) void chosen.text().then((csv) => setFile({ name: chosen.name, csv }));
            }}
          />
        </label>
        {file && <Typography.Text>{t('act.attendance.rows', { n: rows, file: file.name })}</Typography.Text>}
        <Button
          type="primary"
          disabled={!file}
          loading={busy}
          onClick={() => void upload()}
          data-testid="attendance-submit"
        >
          {t('act.attendance.submit')}
        </Button>
      </Space>
      {failure && <Alert type="error" showIcon message={failure} style={{ marginTop: 12 }} />}
      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          data-testid="attendance-problems"
          message={t('act.attendance.refused')}
          description={
            <List
              size="small"
              dataSource={[...problems]}
              renderItem={(p) => (
                <List.Item>
                  <Typography.Text code data-raw-key>
                    {p.path}
                  </Typography.Text>{' '}
                  {p.message}
                </List.Item>
              )}
            />
          }
        />
      )}
    </Card>
  );
}

type CheckedIn = Awaited<ReturnType<typeof activitiesApi.checkIn>>;

/**
 * Check-in at the door: the invitee's QR code scanned (a handheld scanner types the code's URL and Enter into the
 * field) or its link pasted; the last check-ins of this session listed, a second scan marked as already in.
 */
export function CheckInCard({ id, onDone }: { id: number; onDone: () => void }) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [done, setDone] = useState<CheckedIn[]>([]);
  const { busy, failure, submit } = useSubmit();
  const scan = () =>
    submit(async () => {
      const token = code.trim();
      if (!token) return;
      const r = await activitiesApi.checkIn(id, token);
      setCode('');
      setDone((all) => [r, ...all].slice(0, 10));
      if (r.recorded) onDone();
    });
  return (
    <Card size="small" title={t('act.checkIn')} data-testid="activity-check-in">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('act.checkIn.help')}
      </Typography.Paragraph>
      <Space.Compact style={{ width: '100%', maxWidth: 720 }}>
        <Input
          autoFocus
          value={code}
          onChange={(e) => setCode(e.target.value)}
          onPressEnter={() => void scan()}
          placeholder={t('act.checkIn.placeholder')}
          data-testid="check-in-code"
        />
        <Button type="primary" loading={busy} onClick={() => void scan()} data-testid="check-in-submit">
          {t('act.checkIn.submit')}
        </Button>
      </Space.Compact>
      {failure && (
        <Alert
          type="error"
          showIcon
          message={failure}
          style={{ marginTop: 12 }}
          data-testid="check-in-failure"
        />
      )}
      {done.length > 0 && (
        <List
          size="small"
          style={{ marginTop: 8 }}
          data-testid="check-in-done"
          dataSource={done}
          renderItem={(r) => (
            <List.Item>
              <Space>
                <Typography.Text strong>{r.customerNo}</Typography.Text>
                {formatDateTime(r.checkedInAt)}
                <Tag color={r.recorded ? 'green' : 'default'}>
                  {r.recorded ? t('act.checkIn.recorded') : t('act.checkIn.already')}
                </Tag>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

interface LeadValues {
  name: string;
  phone: string;
  interest?: string;
  capturedBy: string;
  consent: (typeof CONSENTS)[number][];
}

/** A lead captured on site: a known customer by phone becomes a lead, else a new prospect is created. */
export function LeadCard({ activity, onDone }: { activity: ActivityView; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<LeadValues>();
  const { busy, failure, submit } = useSubmit();
  const required = [{ required: true, message: t('act.form.required') }];
  const save = (v: LeadValues) =>
    submit(async () => {
      const r = await activitiesApi.lead(activity.id, {
        name: v.name.trim(),
        phone: v.phone.trim(),
        capturedBy: v.capturedBy,
        ...(v.interest?.trim() ? { interest: v.interest.trim() } : {}),
        consent: Object.fromEntries(v.consent.map((c) => [c, true])),
      });
      message.success(
        r.created
          ? t('act.lead.created', { customer: r.customerNo, owner: r.owner ?? t('act.noOwner') })
          : t('act.lead.known', { customer: r.customerNo }),
      );
      form.resetFields();
      onDone();
    });
  return (
    <Card size="small" title={t('act.lead')} data-testid="activity-lead">
      <Form<LeadValues>
        form={form}
        layout="inline"
        initialValues={{ consent: [] }}
        onFinish={(v) => void save(v)}
        style={{ rowGap: 8 }}
      >
        <Form.Item name="name" rules={required}>
          <Input placeholder={t('act.lead.name')} maxLength={100} data-testid="lead-name" />
        </Form.Item>
        <Form.Item name="phone" rules={required}>
          <Input placeholder={t('act.lead.phone')} maxLength={20} data-testid="lead-phone" />
        </Form.Item>
        <Form.Item name="interest">
          <Input placeholder={t('act.lead.interest')} maxLength={300} />
        </Form.Item>
        <Form.Item name="capturedBy" rules={required}>
          <Select
            placeholder={t('act.lead.capturedBy')}
            style={{ width: 240 }}
            data-testid="lead-captured-by"
            options={activity.staff.map((s) => ({ value: s.staffId, label: `${s.staffId} · ${s.role}` }))}
          />
        </Form.Item>
        <Form.Item name="consent" label={t('act.lead.consent')}>
          <Checkbox.Group options={CONSENTS.map((c) => ({ value: c, label: t(`act.consent.${c}`) }))} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="lead-submit">
            {t('act.lead.submit')}
          </Button>
        </Form.Item>
      </Form>
      {failure && <Alert type="error" showIcon message={failure} style={{ marginTop: 12 }} />}
    </Card>
  );
}
