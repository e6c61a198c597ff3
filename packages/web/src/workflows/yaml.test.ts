import { readYamlDocuments } from '@stagecoach/core';
import { describe, expect, it } from 'vitest';
import { readOneDocument, toYaml } from './yaml.ts';

const template = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'WorkflowTemplate',
  metadata: { name: 'fail-on-purpose', annotations: { description: 'Exits 1: when asked', 'stagecoach.dev/origin': 'promotion' } },
  spec: {
    entrypoint: 'main',
    arguments: { parameters: [{ name: 'SHOULD_FAIL', value: 'true' }, { name: 'COUNT', value: '3' }, { name: 'EMPTY', value: '' }] },
    templates: [
      {
        name: 'main',
        script: { image: 'alpine', command: ['sh'], source: 'if [ "{{workflow.parameters.SHOULD_FAIL}}" = "true" ]; then exit 1; fi\necho "passing"\n' },
        outputs: {},
        steps: [[{ name: 'a', template: 'x' }], []],
      },
    ],
  },
};

describe('toYaml', () => {
  it('writes block YAML that reads back as the same data', () => {
    const text = toYaml(template);
    const read = readYamlDocuments(text);
    expect(read).toEqual({ ok: true, values: [template] });
  });

  it('writes scripts as literal blocks and quotes what YAML would misread', () => {
    const text = toYaml(template);
    expect(text).toContain('        source: |\n          if [ "{{workflow.parameters.SHOULD_FAIL}}" = "true" ]; then exit 1; fi\n          echo "passing"\n');
    expect(text).toContain('- name: SHOULD_FAIL\n        value: "true"');
    expect(text).toContain('value: "3"');
    expect(text).toContain('value: ""');
    expect(text).toContain('description: "Exits 1: when asked"');
    expect(text).toContain('outputs: {}');
  });

  it('keeps strings without a final newline, or with leading blanks, intact', () => {
    const value = { a: 'one\ntwo', b: '  indented\nnext\n', c: ' x', d: 'null', e: 'yes' };
    expect(readYamlDocuments(toYaml(value))).toEqual({ ok: true, values: [value] });
  });
});

describe('readOneDocument', () => {
  it('reads one map', () => {
    expect(readOneDocument('kind: WorkflowTemplate\nmetadata: {name: x}\n')).toEqual({ ok: true, value: { kind: 'WorkflowTemplate', metadata: { name: 'x' } } });
  });

  it('refuses two documents, a list, and broken syntax', () => {
    expect(readOneDocument('a: 1\n---\nb: 2\n')).toEqual({ ok: false, message: 'the text must hold exactly one YAML document, found 2' });
    expect(readOneDocument('- a\n')).toMatchObject({ ok: false });
    const broken = readOneDocument('a: [1, 2\n');
    expect(broken.ok).toBe(false);
  });
});
