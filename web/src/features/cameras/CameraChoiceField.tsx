// A camera setting chosen from a short list (its recording engine, its RTSP transport): a select
// that sends `PATCH /api/cameras/:id` with that field alone, for those who may change cameras;
// its label for the others.
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { Camera } from '../../api/types.ts';
import { ErrorNotice } from '../../ui.tsx';

export type CameraChoice = 'recordingEngine' | 'rtspTransport';

/**
 * Keyed by camera and stored value where it is used, so that its state starts afresh with them.
 * `optionLabel` names each value; `label` and `hint` are already translated.
 */
export function CameraChoiceField<Field extends CameraChoice>({
  camera,
  field,
  choices,
  optionLabel,
  label,
  hint,
  editable,
  onChanged,
}: {
  camera: Camera;
  field: Field;
  choices: readonly Camera[Field][];
  optionLabel: (value: Camera[Field]) => string;
  label: string;
  hint: string;
  editable: boolean;
  onChanged: () => void;
}) {
  // The choice saved (or being saved), shown until the reloaded list carries it.
  const [chosen, setChosen] = useState<Camera[Field] | null>(null);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  if (!editable) return <>{optionLabel(camera[field])}</>;
  const change = async (value: Camera[Field]) => {
    setChosen(value);
    setSaving(true);
    setFailure(null);
    try {
      await api('PATCH', '/api/cameras/{id}', { path: { id: camera.id }, json: { [field]: value } as Pick<Camera, Field> });
      onChanged();
    } catch (error) {
      setChosen(null);
      setFailure(error);
    } finally {
      setSaving(false);
    }
  };
  return (
    <>
      <select
        name={field}
        aria-label={label}
        value={chosen ?? camera[field]}
        disabled={saving}
        onChange={(event) => void change(event.target.value as Camera[Field])}
      >
        {choices.map((value) => (
          <option key={value} value={value}>
            {optionLabel(value)}
          </option>
        ))}
      </select>
      <p className="muted">{hint}</p>
      {failure !== null && <ErrorNotice error={failure} />}
    </>
  );
}
