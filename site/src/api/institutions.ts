/** 机构管理 and its 专管员 (docs/http-api.md, "Institutions and specialists"). */
import { call, type Answer, type BodyOf, type QueryOf } from './client';

export type Institution = Answer<'getInstitution'>;
export type InstitutionPage = Answer<'listInstitutions'>;
export type Specialist = Answer<'listSpecialists'>['items'][number];

export const institutionsApi = {
  list: (query: QueryOf<'listInstitutions'>) => call('listInstitutions', { query }),
  get: (id: number) => call('getInstitution', { params: { id } }),
  create: (body: BodyOf<'createInstitution'>) => call('createInstitution', { body }),
  update: (id: number, body: BodyOf<'updateInstitution'>) => call('updateInstitution', { params: { id }, body }),
  remove: (id: number) => call('deleteInstitution', { params: { id } }),
  specialists: (id: number, query: QueryOf<'listSpecialists'>) => call('listSpecialists', { params: { id }, query }),
  addSpecialist: (id: number, body: BodyOf<'createSpecialist'>) => call('createSpecialist', { params: { id }, body }),
  updateSpecialist: (id: number, specialistId: number, body: BodyOf<'updateSpecialist'>) =>
    call('updateSpecialist', { params: { id, specialistId }, body }),
  removeSpecialist: (id: number, specialistId: number) => call('deleteSpecialist', { params: { id, specialistId } }),
};

/** The largest 排序 the API stores (six digits). */
export const MAX_SORT_ORDER = 999_999;
