import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { problemsByField, saveResource, type ResourcePlural } from './resourceApi.ts';

interface Named {
  metadata: { name: string; resourceVersion?: string | undefined };
}

/** What a create-or-edit form of one kind needs to know. */
export interface ResourceFormOptions<V extends { name: string }, R extends Named, F extends string> {
  plural: ResourcePlural;
  /** Whether the dialog is open; the form starts over each time it opens. */
  opened: boolean;
  /** The resource being edited; undefined to create one. */
  editing: R | undefined;
  /** The values of a new resource (read when the form opens). */
  fresh: () => V;
  /** The values of a stored resource. */
  valuesOf: (resource: R) => V;
  /** The resource the values make, keeping what the form does not show from `editing`. */
  toResource: (values: V, editing: R | undefined) => R;
  /** Where each field's problems are found in the server's answer. */
  fieldPaths: Record<F, string>;
  onSaved: (name: string) => void;
}

/**
 * The state of a create-or-edit form: its values (reset when the dialog opens, not when the list
 * behind it refreshes), the save (POST or PUT with the version the edit started from), and the
 * server's problems by field.
 */
export function useResourceForm<V extends { name: string }, R extends Named, F extends string>(options: ResourceFormOptions<V, R, F>) {
  const { plural, opened, editing, fieldPaths } = options;
  const latest = useRef(options);
  latest.current = options;
  const [values, setValues] = useState<V>(() => options.fresh());
  const save = useMutation({
    mutationFn: (v: V) => saveResource(plural, latest.current.toResource(v, editing), editing),
    onSuccess: (_report, v) => latest.current.onSaved(v.name.trim()),
  });
  const { reset } = save;
  useEffect(() => {
    if (!opened) return;
    setValues(editing ? latest.current.valuesOf(editing) : latest.current.fresh());
    reset();
  }, [opened, editing, reset]);
  return { values, setValues, save, problems: problemsByField(save.error, fieldPaths) };
}
