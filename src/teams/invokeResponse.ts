import { Activity, ActivityTypes } from 'botbuilder';

/** An invoke response carrying a plain message, in the shape each kind of invoke expects. */
export function invokeMessage(name: string | undefined, message: string): Partial<Activity> {
  let body: unknown;
  if (name === 'adaptiveCard/action') body = { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: message };
  else if (name === 'composeExtension/query') body = { composeExtension: { type: 'message', text: message } };
  else if (name && /fetchTask|submitAction|^task\//.test(name)) body = { task: { type: 'message', value: message } };
  else body = { message };
  return { type: ActivityTypes.InvokeResponse, value: { status: 200, body } };
}
