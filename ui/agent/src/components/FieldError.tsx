// A field's error (from a 422's details, or the form's own check), tied to its input by
// id (the input's aria-describedby names it); nothing when there is no error.
export function FieldError(props: { id: string; message?: string | null }) {
  if (!props.message) return null;
  return (
    <span id={props.id} className="field-error" role="alert">
      {props.message}
    </span>
  );
}
