import { Alert, List } from '@mantine/core';

/** A field's problems from the server as one line for the input's `error` prop, or undefined. */
export function fieldError(problems: readonly string[] | undefined): string | undefined {
  return problems === undefined || problems.length === 0 ? undefined : problems.join('; ');
}

/** The problems of a refused save that no form field shows. */
export function OtherProblems({ title, problems }: { title: string; problems: readonly string[] }) {
  if (problems.length === 0) return null;
  return (
    <Alert color="red" title={title} role="alert">
      <List size="sm">
        {problems.map((problem, index) => (
          <List.Item key={index}>{problem}</List.Item>
        ))}
      </List>
    </Alert>
  );
}
