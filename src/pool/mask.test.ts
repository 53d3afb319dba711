import { describe, expect, it } from 'vitest';
import { maskBirthDate, maskEmail, maskIdNumber, maskName, maskPhone, maskPii, parseReveal } from './mask.ts';
import { maskAccountNo } from './profile.ts';

describe('masking', () => {
  it('keeps the first 3 and last 4 digits of a phone number', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('+8613812341234')).toBe('+86*******1234');
    expect(maskPhone('95588')).toBe('***88');
    expect(maskPhone(null)).toBeNull();
  });

  it('keeps the first 4 and last 4 characters of an ID number, hiding the birth date', () => {
    expect(maskIdNumber('33010619850101123X')).toBe('3301**********123X');
    expect(maskIdNumber('E12345678')).toBe('*******78');
  });

  it('keeps the surname or initial of a name', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('李娜')).toBe('李*');
    expect(maskName('John Smith')).toBe('J*** *****');
    expect(maskName('')).toBe('');
  });

  it('shows an email as first character, *** and the domain; a birth date as its year', () => {
    expect(maskEmail('zhangsan@example.com')).toBe('z***@example.com');
    expect(maskEmail('a@b.cn')).toBe('a***@b.cn');
    expect(maskBirthDate('1985-03-07')).toBe('1985-**-**');
    expect(maskAccountNo('6222020200112233')).toBe('************2233');
  });

  it('masks every personal field unless it is revealed', () => {
    const values = {
      name: '王芳',
      phone: '13900001111',
      id_number: '110101199001011234',
      email: 'w@x.cn',
      birth_date: '1990-01-01',
    };
    expect(maskPii(values)).toEqual({
      name: '王*',
      phone: '139****1111',
      id_number: '1101**********1234',
      email: 'w***@x.cn',
      birth_date: '1990-**-**',
    });
    expect(maskPii(values, new Set(['phone']))).toMatchObject({ phone: '13900001111', name: '王*' });
  });

  it('parses reveal requests and names unknown fields', () => {
    expect(parseReveal('phone, id_number,,salary')).toEqual({
      fields: new Set(['phone', 'id_number']),
      unknown: ['salary'],
    });
    expect(parseReveal(undefined)).toEqual({ fields: new Set(), unknown: [] });
  });
});
