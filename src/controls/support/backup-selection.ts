/**
 * Which resources an AWS Backup selection assigns to its plan (AWS's rules, "Assigning resources
 * to a backup plan"): `Resources` (ARNs, `*` wildcards) filter first — none or `["*"]` means all
 * resources —; `ListOfTags` then keeps resources matching AT LEAST ONE of its StringEquals tags;
 * `Conditions` keeps resources matching ALL of its conditions (StringEquals, StringNotEquals,
 * StringLike, StringNotLike on `aws:ResourceTag/<key>`); `NotResources` excludes.
 */
import { field, listOf, text, type Json } from './records.js';
import type { Tags } from './tags.js';

export type SelectionMatch = 'selected' | 'not-selected' | 'unknown';

function globMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const regex = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(value);
}

function tagKeyOf(conditionKey: string): string {
  return conditionKey.replace(/^aws:ResourceTag\//, '');
}

/** Whether one selection (GetBackupSelection's BackupSelection) assigns the resource. Tags undefined: not known. */
export function matchSelection(selection: Json, arn: string, tags: Tags | null | undefined): SelectionMatch {
  const resources = (field(selection, 'Resources') as string[] | undefined) ?? [];
  const notResources = (field(selection, 'NotResources') as string[] | undefined) ?? [];
  if (resources.length > 0 && !resources.some((p) => globMatch(p, arn))) return 'not-selected';
  if (notResources.some((p) => globMatch(p, arn))) return 'not-selected';
  const listOfTags = listOf(selection, 'ListOfTags') ?? [];
  const conditions = field(selection, 'Conditions');
  const conditionList: Array<{ op: string; key: string; value: string }> = [];
  for (const op of ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike']) {
    for (const c of listOf(conditions, op) ?? []) conditionList.push({ op, key: tagKeyOf(text(c, 'ConditionKey') ?? ''), value: text(c, 'ConditionValue') ?? '' });
  }
  if (listOfTags.length === 0 && conditionList.length === 0) return 'selected';
  if (tags === undefined) return 'unknown';
  const t = tags ?? {};
  if (listOfTags.length > 0) {
    const any = listOfTags.some((c) => {
      const key = tagKeyOf(text(c, 'ConditionKey') ?? '');
      return t[key] === text(c, 'ConditionValue');
    });
    if (!any) return 'not-selected';
  }
  for (const c of conditionList) {
    const v = t[c.key];
    const ok =
      c.op === 'StringEquals'
        ? v === c.value
        : c.op === 'StringNotEquals'
          ? v !== c.value
          : c.op === 'StringLike'
            ? v !== undefined && globMatch(c.value, v)
            : v === undefined || !globMatch(c.value, v);
    if (!ok) return 'not-selected';
  }
  return 'selected';
}

export interface PlanSelectionView {
  planId: string;
  planName: string;
  /** undefined: the plan's selections could not be listed. */
  selections: Array<{ name: string; selection: Json | undefined }> | undefined;
}

/** The plans and their selections in one backup.selections capture. */
export function readPlanSelections(data: unknown): PlanSelectionView[] {
  return (listOf(data, 'plans') ?? []).map((p) => {
    const plan = field(p, 'plan');
    const selections = listOf(p, 'selections');
    return {
      planId: text(plan, 'BackupPlanId') ?? '',
      planName: text(plan, 'BackupPlanName') ?? text(plan, 'BackupPlanId') ?? '',
      selections: selections?.map((s) => ({
        name: text(field(s, 'selection'), 'SelectionName') ?? text(field(s, 'selection'), 'SelectionId') ?? '',
        selection: field(field(s, 'details'), 'BackupSelection') as Json | undefined,
      })),
    };
  });
}

/** Whether any plan of a capture selects the resource, and which. */
export function selectingPlans(plans: readonly PlanSelectionView[], arn: string, tags: Tags | null | undefined): { match: SelectionMatch; plans: string[]; unknownBecause?: string } {
  const selected: string[] = [];
  let unknownBecause: string | undefined;
  for (const plan of plans) {
    if (!plan.selections) {
      unknownBecause ??= `the selections of plan ${plan.planName} could not be read`;
      continue;
    }
    for (const s of plan.selections) {
      if (!s.selection) {
        unknownBecause ??= `selection ${s.name} of plan ${plan.planName} could not be read`;
        continue;
      }
      const m = matchSelection(s.selection, arn, tags);
      if (m === 'selected') selected.push(plan.planName);
      if (m === 'unknown') unknownBecause ??= 'its tags could not be read and selections choose by tag';
    }
  }
  if (selected.length > 0) return { match: 'selected', plans: [...new Set(selected)] };
  if (unknownBecause) return { match: 'unknown', plans: [], unknownBecause };
  return { match: 'not-selected', plans: [] };
}
