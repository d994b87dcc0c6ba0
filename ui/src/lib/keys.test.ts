import { describe, expect, it } from 'vitest';
import { keyAction } from './keys';

describe('keyAction', () => {
  it('maps j/k/Enter and / in the list', () => {
    expect(keyAction({ key: 'j', targetTag: 'BODY' })).toBe('next');
    expect(keyAction({ key: 'k', targetTag: 'DIV' })).toBe('prev');
    expect(keyAction({ key: 'Enter', targetTag: 'BODY' })).toBe('open');
    expect(keyAction({ key: '/', targetTag: 'BODY' })).toBe('search');
    expect(keyAction({ key: 'F5', targetTag: 'INPUT' })).toBe('sync');
    expect(keyAction({ key: 'e', targetTag: 'BODY' })).toBe('archive');
    expect(keyAction({ key: '#', targetTag: 'BODY' })).toBe('delete');
    expect(keyAction({ key: 's', targetTag: 'BODY' })).toBe('flag');
  });

  it('stays out of the way while typing or with modifiers', () => {
    expect(keyAction({ key: 'j', targetTag: 'INPUT' })).toBeNull();
    expect(keyAction({ key: 'k', targetTag: 'DIV', targetEditable: true })).toBeNull();
    expect(keyAction({ key: 'j', ctrlKey: true, targetTag: 'BODY' })).toBeNull();
    expect(keyAction({ key: 'Enter', targetTag: 'BUTTON' })).toBeNull();
  });
});
