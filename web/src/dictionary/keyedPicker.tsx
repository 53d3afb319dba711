import { Typography, type SelectProps } from 'antd';

// A picker of dictionary keys (attributes, events): users read and pick the display name; analysts who think in keys
// (rules, the CLI) still find an option by typing its key, and see it as a small hint marked raw. Tests pick an option
// by its key through data-value.

type PickerProps = Required<Pick<SelectProps<string>, 'options' | 'showSearch' | 'optionRender'>>;

/** The props of an antd Select over `items` (key and display name): options, search by name or key, the key hint. */
export function keyedPicker(items: readonly { key: string; label: string }[]): PickerProps {
  return {
    options: items.map(({ key, label }) => ({ value: key, label, 'data-value': key })),
    showSearch: {
      filterOption: (input, option) => {
        const q = input.trim().toLowerCase();
        const label = typeof option?.label === 'string' ? option.label : '';
        return (
          label.toLowerCase().includes(q) ||
          String(option?.value ?? '')
            .toLowerCase()
            .includes(q)
        );
      },
    },
    optionRender: (option) => (
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 12 }}>
        <span>{option.label}</span>
        {option.label !== option.value && (
          <Typography.Text type="secondary" style={{ fontSize: 11 }} data-raw-key>
            {option.value}
          </Typography.Text>
        )}
      </div>
    ),
  };
}
