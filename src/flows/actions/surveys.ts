import { recordSurveyResponse } from '../../campaigns/surveys';
import { Turn } from '../turn';

/** The end of a survey: its answers stored, one response per person and survey. */
async function storeSurvey(turn: Turn): Promise<void> {
  const { _inbound, ...answers } = turn.session.answers;
  void _inbound;
  await recordSurveyResponse(turn.store, turn.session.flowId!, turn.contact, answers, turn.now);
}

/** Flow actions of staff-made surveys. */
export const surveyActions = { storeSurvey };
