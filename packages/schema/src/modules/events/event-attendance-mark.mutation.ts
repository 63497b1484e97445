import { builder } from '#builder';
import { audited } from '#lib/audit.ts';
import { toDbId } from '#lib/ids.ts';
import { ATTENDANCE_BATCH_LIMIT, markAttendance } from './event.service.ts';
import { EventRegistrationNode } from './seller-event.node.ts';

const EventAttendanceMarkInput = builder.inputType('EventAttendanceMarkInput', {
  description: 'Mark attendance of confirmed registrations.',
  fields: (t) => ({
    registrationIds: t.globalIDList({
      for: EventRegistrationNode,
      required: true,
      maxItems: ATTENDANCE_BATCH_LIMIT,
      description: 'CONFIRMED registrations of events that have started, at least one.',
    }),
    attended: t.boolean({ required: true, description: 'true: attended; false: did not attend.' }),
  }),
});

const EventAttendanceMarkSuccess = builder.objectRef<{ ids: number[] }>('EventAttendanceMarkSuccess').implement({
  description: 'Attendance is recorded.',
  fields: (t) => ({
    registrations: t.prismaField({
      type: ['EventRegistration'],
      description: 'The registrations, re-read, by id.',
      resolve: (q, r, _a, ctx) =>
        ctx.prisma.eventRegistration.findMany({ ...q, where: { id: { in: r.ids } }, orderBy: { id: 'asc' } }),
    }),
  }),
});

builder.mutationField('eventAttendanceMark', (t) =>
  t.field({
    type: EventAttendanceMarkSuccess,
    description: 'Marks attendance (administrators), all or nothing.',
    errors: {},
    args: {
      input: t.arg({
        type: EventAttendanceMarkInput,
        required: true,
        description: 'Registrations and the attendance.',
      }),
    },
    resolve: audited('eventAttendanceMark', async (_root, { input }, ctx) => ({
      ids: await markAttendance(ctx, {
        registrationIds: input.registrationIds.map((g, i) => toDbId(g, ['input', 'registrationIds', String(i)])),
        attended: input.attended,
      }),
    })),
  }),
);
