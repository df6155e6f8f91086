// Table types of the devices module (ONVIF device facts and quirks); schema.ts joins them into DatabaseSchema.

export interface CameraDevicesTable {
  camera_id: string;
  manufacturer: string | null;
  model: string | null;
  firmware_version: string | null;
  serial_number: string | null;
  hardware_id: string | null;
  /** JSON list of `aa:bb:cc:dd:ee:ff`. */
  mac_addresses: string;
  clock_offset_ms: number | null;
  auth_mode: string | null;
  read_at: string | null;
  read_source: string | null;
  attempted_at: string | null;
  read_error: string | null;
  model_mismatch: number;
  mac_mismatch: number;
  /** JSON OnvifQuirks. */
  quirks_learned: string;
  quirks_override: string;
  updated_at: string;
}

export interface DevicesSchema {
  camera_devices: CameraDevicesTable;
}
