import { DatePicker } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import 'dayjs/locale/zh-cn.js';
import { useI18n } from '../i18n/i18n.tsx';

// Every business day in the dashboard is a 'YYYY-MM-DD' string (the API's Day). This picker shows the same ISO text
// in both languages (no 12/07 vs 07/12 ambiguity), with a localised calendar, and gives back the string: forms and
// filters never see a Dayjs. It replaces the browser's native date box, which renders by the browser's own locale.

/** Props of a day picker: a 'YYYY-MM-DD' value, or '' / undefined for none. */
export interface DayPickerProps {
  readonly value?: string | null;
  readonly onChange?: (day: string) => void;
  readonly allowClear?: boolean;
  readonly disabled?: boolean;
  readonly placeholder?: string;
  readonly style?: React.CSSProperties;
  /** Days after this one ('YYYY-MM-DD') cannot be picked. */
  readonly maxDay?: string;
  /** Days before this one cannot be picked. */
  readonly minDay?: string;
  readonly 'data-testid'?: string;
}

const FORMAT = 'YYYY-MM-DD';

/** A 'YYYY-MM-DD' day picker (antd DatePicker, ISO format, localised calendar). */
export function DayPicker(props: DayPickerProps) {
  const { lang } = useI18n();
  const { value, onChange, maxDay, minDay, style, ...rest } = props;
  const parsed: Dayjs | null = value ? dayjs(value, FORMAT) : null;
  return (
    <DatePicker
      {...rest}
      format={FORMAT}
      style={{ width: 150, ...style }}
      value={parsed && parsed.isValid() ? parsed.locale(lang === 'zh-CN' ? 'zh-cn' : 'en') : null}
      onChange={(day: Dayjs | null) => onChange?.(day ? day.format(FORMAT) : '')}
      disabledDate={(day: Dayjs) =>
        (maxDay !== undefined && day.format(FORMAT) > maxDay) ||
        (minDay !== undefined && day.format(FORMAT) < minDay)
      }
    />
  );
}
