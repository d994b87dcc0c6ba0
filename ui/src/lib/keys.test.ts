import { describe, expect, it } from 'vitest';
import { allowedWhileComposing, keyAction } from './keys';

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

  it('maps r, a, f, c and u to reply, reply all, forward, compose and back', () => {
    expect(keyAction({ key: 'r', targetTag: 'BODY' })).toBe('reply');
    expect(keyAction({ key: 'a', targetTag: 'BODY' })).toBe('replyAll');
    expect(keyAction({ key: 'f', targetTag: 'BODY' })).toBe('forward');
    expect(keyAction({ key: 'c', targetTag: 'BODY' })).toBe('compose');
    expect(keyAction({ key: 'u', targetTag: 'BODY' })).toBe('back');
    expect(keyAction({ key: 'R', targetTag: 'BODY' })).toBeNull();
  });

  it('goes to the inbox with g then i, and forgets the prefix on any other key', () => {
    expect(keyAction({ key: 'g', targetTag: 'BODY' })).toBe('prefix');
    expect(keyAction({ key: 'i', targetTag: 'BODY' }, 'g')).toBe('goInbox');
    expect(keyAction({ key: 'j', targetTag: 'BODY' }, 'g')).toBeNull();
    expect(keyAction({ key: 'i', targetTag: 'BODY' })).toBeNull();
    expect(keyAction({ key: 'i', targetTag: 'INPUT' }, 'g')).toBeNull();
  });

  it('closes with Escape even while typing (the compose pane), but not with modifiers', () => {
    expect(keyAction({ key: 'Escape', targetTag: 'INPUT' })).toBe('close');
    expect(keyAction({ key: 'Escape', targetTag: 'DIV', targetEditable: true })).toBe('close');
    expect(keyAction({ key: 'Escape', ctrlKey: true, targetTag: 'BODY' })).toBeNull();
  });

  it('stays out of the way while typing or with modifiers', () => {
    expect(keyAction({ key: 'j', targetTag: 'INPUT' })).toBeNull();
    expect(keyAction({ key: 'k', targetTag: 'DIV', targetEditable: true })).toBeNull();
    expect(keyAction({ key: 'r', targetTag: 'TEXTAREA' })).toBeNull();
    expect(keyAction({ key: 'c', targetTag: 'DIV', targetEditable: true })).toBeNull();
    expect(keyAction({ key: 'j', ctrlKey: true, targetTag: 'BODY' })).toBeNull();
    expect(keyAction({ key: 'r', metaKey: true, targetTag: 'BODY' })).toBeNull();
    expect(keyAction({ key: 'Enter', targetTag: 'BUTTON' })).toBeNull();
  });

  it('lets only closing, sync and navigation keys act while composing', () => {
    for (const a of ['close', 'back', 'sync', 'goInbox'] as const) expect(allowedWhileComposing(a)).toBe(true);
    for (const a of ['archive', 'delete', 'flag', 'reply', 'next', 'open', 'compose'] as const) {
      expect(allowedWhileComposing(a)).toBe(false);
    }
  });
});
