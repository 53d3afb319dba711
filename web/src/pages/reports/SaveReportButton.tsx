import { SaveOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { reportsApi, type Report, type ReportKind } from '../../api/reports.ts';
import { useSubmit } from '../../components/useSubmit.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { reportPath } from './useOpenedReport.ts';
import { SHARE_ROLES, type ShareRole } from './roles.ts';

/**
 * "Save as report": the analysis's request as it ran (its definition), a name and the roles it is shared with. With
 * a report open (and the caller its owner) it offers to update that report instead of saving a new one.
 */
export function SaveReportButton(props: {
  kind: ReportKind;
  definition: object | null;
  opened: Report | null;
  defaultName: string;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const sameKind = props.opened?.kind === props.kind ? props.opened : null;
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<ShareRole[]>([]);
  const [overwrite, setOverwrite] = useState(false);
  const { busy, failure, submit } = useSubmit();

  const start = () => {
    setName(sameKind?.name ?? props.defaultName);
    setRoles(
      (sameKind?.sharedRoles ?? []).filter((r): r is ShareRole => SHARE_ROLES.includes(r as ShareRole)),
    );
    setOverwrite(Boolean(sameKind?.editable));
    setOpen(true);
  };
  const save = () =>
    submit(async () => {
      const body = {
        name: name.trim(),
        kind: props.kind,
        definition: { ...props.definition },
        sharedRoles: roles,
      };
      const saved =
        overwrite && sameKind ? await reportsApi.update(sameKind.id, body) : await reportsApi.create(body);
      setOpen(false);
      message.success(t('reports.saved', { name: saved.name }));
      navigate(reportPath(saved), true);
    });

  return (
    <>
      <Button
        icon={<SaveOutlined />}
        disabled={!props.definition}
        onClick={start}
        data-testid={`save-report-${props.kind}`}
      >
        {t('reports.save')}
      </Button>
      <Modal
        open={open}
        title={t('reports.saveTitle')}
        okText={t('reports.saveOk')}
        cancelText={t('reports.cancel')}
        onOk={save}
        onCancel={() => setOpen(false)}
        okButtonProps={{ loading: busy, disabled: name.trim() === '', 'data-testid': 'save-report-ok' }}
        destroyOnHidden
      >
        <Form layout="vertical">
          <Form.Item label={t('reports.name')} required>
            <Input
              value={name}
              maxLength={200}
              onChange={(e) => setName(e.target.value)}
              data-testid="save-report-name"
            />
          </Form.Item>
          <Form.Item label={t('reports.shareWith')} extra={t('reports.shareHelp')}>
            <Checkbox.Group
              value={roles}
              onChange={(v) => setRoles(v as ShareRole[])}
              options={SHARE_ROLES.map((r) => ({ value: r, label: t(`app.role.${r}`) }))}
              data-testid="save-report-roles"
            />
          </Form.Item>
          {sameKind?.editable && (
            <Checkbox
              checked={overwrite}
              onChange={(e) => setOverwrite(e.target.checked)}
              data-testid="save-report-overwrite"
            >
              {t('reports.overwrite', { name: sameKind.name })}
            </Checkbox>
          )}
        </Form>
        {failure && <Alert type="error" showIcon title={failure} style={{ marginTop: 12 }} />}
      </Modal>
    </>
  );
}
