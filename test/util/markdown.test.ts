import { replaceGeneratedSection } from '../../src/util/generated-section';
import { markdownTable } from '../../src/util/markdown-table';

describe('markdownTable', () => {
  it('pads every column to its widest cell, as Prettier does', () => {
    expect(markdownTable(['a', 'long header'], [['x…y', 'b']])).toBe(
      ['| a   | long header |', '| --- | ----------- |', '| x…y | b           |'].join('\n'),
    );
  });
});

describe('replaceGeneratedSection', () => {
  const text = 'intro\n<!-- generated:list (a note) -->\n\nold\n\n<!-- /generated:list -->\nend\n';

  it('replaces what is between the markers and keeps them', () => {
    expect(replaceGeneratedSection(text, 'list', 'new\n')).toBe(
      'intro\n<!-- generated:list (a note) -->\n\nnew\n\n<!-- /generated:list -->\nend\n',
    );
  });

  it('refuses a file without the section', () => {
    expect(() => replaceGeneratedSection(text, 'other', 'x')).toThrow('no section "other"');
  });
});
