export {
  TechnicalEventsService, technicalEventCodes, technicalEventLabels,
  type StoredTechnicalEvent, type TechnicalEvent, type TechnicalEventCode, type TechnicalEventFilter, type TechnicalSeverity,
} from './technical-events.ts';
