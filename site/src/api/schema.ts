/**
 * The API contract as the site sees it, generated from the OpenAPI document of the route tables
 * (tools/api-types.ts; `npm run api-types`). Do not edit: test/unit/api-types.test.ts fails when
 * this file no longer matches the routes.
 */

/** Every operation: path parameters, query, JSON body and the JSON answer of its success status. */
export interface Operations {
  /** GET /api/health: 健康检查 */
  getHealth: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: undefined;
    response: {
      status: 'ok';
      version: string;
    };
  };
  /** GET /api/regions: 行政区划：省份，或某地区的下级地区 */
  listRegions: {
    params: Record<string, never>;
    query: {
      parent?: string;
    };
    body: undefined;
    response: {
      code: string;
      name: string;
      level: 'province' | 'city' | 'district';
    }[];
  };
  /** GET /api/industries: 国民经济行业分类 20 个门类 */
  listIndustries: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: undefined;
    response: {
      code: string;
      name: string;
    }[];
  };
  /** GET /api/institution-types: 金融机构类型（11 类） */
  listInstitutionTypes: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: undefined;
    response: {
      code: string;
      name: string;
    }[];
  };
  /** GET /api/openapi.json: OpenAPI 文档 */
  getOpenApiDocument: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: undefined;
    response: Record<string, unknown>;
  };
  /** POST /api/auth/captcha: 获取图形验证码（同一手机号或同一地址的登录请求过多时需要） */
  createCaptcha: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: undefined;
    response: {
      captchaId: string;
      image: string;
      expiresAt: string;
    };
  };
  /** POST /api/auth/sms-codes: 获取短信验证码（登录；绑定新手机号需已登录） */
  requestSmsCode: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: {
      phone: string;
      purpose: 'login' | 'bind';
      captchaId?: string;
      captchaAnswer?: string;
    };
    response: {
      resendAfterSeconds: number;
    };
  };
  /** POST /api/auth/login: 登录（短信验证码或密码） */
  login: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: {
      phone: string;
      code: string;
      captchaId?: string;
      captchaAnswer?: string;
    } | {
      phone: string;
      password: string;
      captchaId?: string;
      captchaAnswer?: string;
    };
    response: {
      token: string;
      expiresAt: string;
      mustSetPassword: boolean;
      account: {
        id: number;
        phone: string;
        realName: string;
        gender: 'male' | 'female';
        unit: string;
        department: string | null;
        position: string | null;
        remark: string | null;
        role: 'national' | 'province' | 'city';
        roleName: string;
        provinceCode: string;
        provinceName: string;
        cityCode: string | null;
        cityName: string | null;
        status: 'enabled' | 'disabled';
        auditStatus: 'pending' | 'approved' | 'rejected';
        auditReason: string | null;
        hasPassword: boolean;
        createdBy: number | null;
        canAudit: boolean;
        authorizationLetterUrl?: string;
        createdAt: string;
        updatedAt: string;
        version: number;
      };
    };
  };
  /** POST /api/auth/refresh: 刷新登录令牌 */
  refreshSession: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: undefined;
    response: {
      token: string;
      expiresAt: string;
    };
  };
  /** POST /api/auth/logout: 退出登录 */
  logout: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: undefined;
    response: undefined;
  };
  /** GET /api/me: 当前用户、数据范围与可用模块 */
  getMe: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: undefined;
    response: {
      account: {
        id: number;
        phone: string;
        realName: string;
        gender: 'male' | 'female';
        unit: string;
        department: string | null;
        position: string | null;
        remark: string | null;
        role: 'national' | 'province' | 'city';
        roleName: string;
        provinceCode: string;
        provinceName: string;
        cityCode: string | null;
        cityName: string | null;
        status: 'enabled' | 'disabled';
        auditStatus: 'pending' | 'approved' | 'rejected';
        auditReason: string | null;
        hasPassword: boolean;
        createdBy: number | null;
        canAudit: boolean;
        authorizationLetterUrl?: string;
        createdAt: string;
        updatedAt: string;
        version: number;
      };
      scope: {
        level: string;
        provinceCode: string | null;
        cityCode: string | null;
      };
      modules: string[];
      mustSetPassword: boolean;
    };
  };
  /** PUT /api/me/password: 修改（或首次设置）本人密码；其他会话随即失效 */
  changeOwnPassword: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: {
      currentPassword?: string;
      newPassword: string;
    };
    response: undefined;
  };
  /** GET /api/accounts: 账号列表（peer：本级账号管理；subordinate：市级/省级账号管理） */
  listAccounts: {
    params: Record<string, never>;
    query: {
      page?: number;
      pageSize?: number;
      tier?: 'peer' | 'subordinate';
      name?: string;
      regionCode?: string;
      status?: 'enabled' | 'disabled';
      auditStatus?: 'pending' | 'approved' | 'rejected';
    };
    body: undefined;
    response: {
      items: {
        id: number;
        phone: string;
        realName: string;
        gender: 'male' | 'female';
        unit: string;
        department: string | null;
        position: string | null;
        remark: string | null;
        role: 'national' | 'province' | 'city';
        roleName: string;
        provinceCode: string;
        provinceName: string;
        cityCode: string | null;
        cityName: string | null;
        status: 'enabled' | 'disabled';
        auditStatus: 'pending' | 'approved' | 'rejected';
        auditReason: string | null;
        hasPassword: boolean;
        createdBy: number | null;
        canAudit: boolean;
        authorizationLetterUrl?: string;
        createdAt: string;
        updatedAt: string;
        version: number;
      }[];
      total: number;
      page: number;
      pageSize: number;
    };
  };
  /** POST /api/accounts: 添加账号（本级账号需授权书与手机验证码并待审核；下级账号直接通过） */
  createAccount: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: {
      role: 'national' | 'province' | 'city';
      regionCode?: string;
      phone: string;
      smsCode?: string;
      password?: string;
      realName: string;
      gender: 'male' | 'female';
      unit: string;
      department?: string;
      position?: string;
      remark?: string;
      status?: 'enabled' | 'disabled';
      authorizationLetterKey?: string;
    };
    response: {
      id: number;
      phone: string;
      realName: string;
      gender: 'male' | 'female';
      unit: string;
      department: string | null;
      position: string | null;
      remark: string | null;
      role: 'national' | 'province' | 'city';
      roleName: string;
      provinceCode: string;
      provinceName: string;
      cityCode: string | null;
      cityName: string | null;
      status: 'enabled' | 'disabled';
      auditStatus: 'pending' | 'approved' | 'rejected';
      auditReason: string | null;
      hasPassword: boolean;
      createdBy: number | null;
      canAudit: boolean;
      authorizationLetterUrl?: string;
      createdAt: string;
      updatedAt: string;
      version: number;
    };
  };
  /** GET /api/accounts/{id}: 账号详情 */
  getAccount: {
    params: {
      id: number;
    };
    query: Record<string, never>;
    body: undefined;
    response: {
      id: number;
      phone: string;
      realName: string;
      gender: 'male' | 'female';
      unit: string;
      department: string | null;
      position: string | null;
      remark: string | null;
      role: 'national' | 'province' | 'city';
      roleName: string;
      provinceCode: string;
      provinceName: string;
      cityCode: string | null;
      cityName: string | null;
      status: 'enabled' | 'disabled';
      auditStatus: 'pending' | 'approved' | 'rejected';
      auditReason: string | null;
      hasPassword: boolean;
      createdBy: number | null;
      canAudit: boolean;
      authorizationLetterUrl?: string;
      createdAt: string;
      updatedAt: string;
      version: number;
    };
  };
  /** PATCH /api/accounts/{id}: 编辑账号（密码、姓名、性别、单位、部门、职务、备注、状态；手机号不可修改） */
  updateAccount: {
    params: {
      id: number;
    };
    query: Record<string, never>;
    body: {
      version: number;
      phone?: unknown;
      password?: string;
      realName?: string;
      gender?: 'male' | 'female';
      unit?: string;
      department?: string | null;
      position?: string | null;
      remark?: string | null;
      status?: 'enabled' | 'disabled';
    };
    response: {
      id: number;
      phone: string;
      realName: string;
      gender: 'male' | 'female';
      unit: string;
      department: string | null;
      position: string | null;
      remark: string | null;
      role: 'national' | 'province' | 'city';
      roleName: string;
      provinceCode: string;
      provinceName: string;
      cityCode: string | null;
      cityName: string | null;
      status: 'enabled' | 'disabled';
      auditStatus: 'pending' | 'approved' | 'rejected';
      auditReason: string | null;
      hasPassword: boolean;
      createdBy: number | null;
      canAudit: boolean;
      authorizationLetterUrl?: string;
      createdAt: string;
      updatedAt: string;
      version: number;
    };
  };
  /** DELETE /api/accounts/{id}: 删除账号 */
  deleteAccount: {
    params: {
      id: number;
    };
    query: Record<string, never>;
    body: undefined;
    response: undefined;
  };
  /** POST /api/accounts/batch-delete: 批量删除账号（逐个返回结果） */
  batchDeleteAccounts: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: {
      ids: number[];
    };
    response: {
      deleted: number[];
      failed: {
        id: number;
        error: {
          code: string;
          message: string;
        };
      }[];
    };
  };
  /** POST /api/accounts/{id}/audit: 审核账号（通过或驳回） */
  auditAccount: {
    params: {
      id: number;
    };
    query: Record<string, never>;
    body: {
      decision: 'approve' | 'reject';
      reason?: string;
      version: number;
    };
    response: {
      id: number;
      phone: string;
      realName: string;
      gender: 'male' | 'female';
      unit: string;
      department: string | null;
      position: string | null;
      remark: string | null;
      role: 'national' | 'province' | 'city';
      roleName: string;
      provinceCode: string;
      provinceName: string;
      cityCode: string | null;
      cityName: string | null;
      status: 'enabled' | 'disabled';
      auditStatus: 'pending' | 'approved' | 'rejected';
      auditReason: string | null;
      hasPassword: boolean;
      createdBy: number | null;
      canAudit: boolean;
      authorizationLetterUrl?: string;
      createdAt: string;
      updatedAt: string;
      version: number;
    };
  };
  /** POST /api/uploads: 申请上传（预签名 POST；授权书 PDF/JPEG/PNG ≤5MB，机构 logo 与专管员头像 PNG/JPEG/WebP ≤2MB） */
  createUpload: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: {
      purpose: 'authorization-letter' | 'institution-logo' | 'specialist-avatar';
      contentType: string;
      size: number;
    };
    response: {
      key: string;
      url: string;
      fields: Record<string, string>;
      expiresAt: string;
      maxBytes: number;
    };
  };
  /** GET /api/institutions: 金融机构列表（按排序、ID；市级本市，省级本省，国家级全国；regionCode 须在权限范围内） */
  listInstitutions: {
    params: Record<string, never>;
    query: {
      page?: number;
      pageSize?: number;
      name?: string;
      type?: 'bank' | 'guarantee' | 'insurance' | 'microloan' | 'financial-leasing' | 'factoring' | 'venture-capital' | 'other' | 'consumer-finance' | 'asset-management' | 'trust';
      regionCode?: string;
    };
    body: undefined;
    response: {
      items: {
        id: number;
        type: 'bank' | 'guarantee' | 'insurance' | 'microloan' | 'financial-leasing' | 'factoring' | 'venture-capital' | 'other' | 'consumer-finance' | 'asset-management' | 'trust';
        typeName: string;
        parentName: string | null;
        fullName: string;
        shortName: string;
        logoKey: string;
        logoUrl: string;
        districtCode: string;
        districtName: string;
        cityCode: string;
        cityName: string;
        provinceCode: string;
        provinceName: string;
        address: string | null;
        sortOrder: number;
        intro: string | null;
        status: 'enabled' | 'disabled';
        level: 'settled';
        levelName: string;
        specialistCount: number;
        createdAt: string;
        updatedAt: string;
        version: number;
      }[];
      total: number;
      page: number;
      pageSize: number;
    };
  };
  /** POST /api/institutions: 添加金融机构（市级；所在区域须为本市区县，logo 须已上传） */
  createInstitution: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: {
      type: 'bank' | 'guarantee' | 'insurance' | 'microloan' | 'financial-leasing' | 'factoring' | 'venture-capital' | 'other' | 'consumer-finance' | 'asset-management' | 'trust';
      parentName?: string;
      fullName: string;
      shortName: string;
      logoKey: string;
      districtCode: string;
      address?: string;
      sortOrder?: number;
      intro?: string;
      status?: 'enabled' | 'disabled';
    };
    response: {
      id: number;
      type: 'bank' | 'guarantee' | 'insurance' | 'microloan' | 'financial-leasing' | 'factoring' | 'venture-capital' | 'other' | 'consumer-finance' | 'asset-management' | 'trust';
      typeName: string;
      parentName: string | null;
      fullName: string;
      shortName: string;
      logoKey: string;
      logoUrl: string;
      districtCode: string;
      districtName: string;
      cityCode: string;
      cityName: string;
      provinceCode: string;
      provinceName: string;
      address: string | null;
      sortOrder: number;
      intro: string | null;
      status: 'enabled' | 'disabled';
      level: 'settled';
      levelName: string;
      specialistCount: number;
      createdAt: string;
      updatedAt: string;
      version: number;
    };
  };
  /** GET /api/institutions/{id}: 金融机构详情 */
  getInstitution: {
    params: {
      id: number;
    };
    query: Record<string, never>;
    body: undefined;
    response: {
      id: number;
      type: 'bank' | 'guarantee' | 'insurance' | 'microloan' | 'financial-leasing' | 'factoring' | 'venture-capital' | 'other' | 'consumer-finance' | 'asset-management' | 'trust';
      typeName: string;
      parentName: string | null;
      fullName: string;
      shortName: string;
      logoKey: string;
      logoUrl: string;
      districtCode: string;
      districtName: string;
      cityCode: string;
      cityName: string;
      provinceCode: string;
      provinceName: string;
      address: string | null;
      sortOrder: number;
      intro: string | null;
      status: 'enabled' | 'disabled';
      level: 'settled';
      levelName: string;
      specialistCount: number;
      createdAt: string;
      updatedAt: string;
      version: number;
    };
  };
  /** PATCH /api/institutions/{id}: 编辑金融机构（含启用/禁用；须带 version） */
  updateInstitution: {
    params: {
      id: number;
    };
    query: Record<string, never>;
    body: {
      version: number;
      type?: 'bank' | 'guarantee' | 'insurance' | 'microloan' | 'financial-leasing' | 'factoring' | 'venture-capital' | 'other' | 'consumer-finance' | 'asset-management' | 'trust';
      parentName?: string | null;
      fullName?: string;
      shortName?: string;
      logoKey?: string;
      districtCode?: string;
      address?: string | null;
      sortOrder?: number;
      intro?: string | null;
      status?: 'enabled' | 'disabled';
    };
    response: {
      id: number;
      type: 'bank' | 'guarantee' | 'insurance' | 'microloan' | 'financial-leasing' | 'factoring' | 'venture-capital' | 'other' | 'consumer-finance' | 'asset-management' | 'trust';
      typeName: string;
      parentName: string | null;
      fullName: string;
      shortName: string;
      logoKey: string;
      logoUrl: string;
      districtCode: string;
      districtName: string;
      cityCode: string;
      cityName: string;
      provinceCode: string;
      provinceName: string;
      address: string | null;
      sortOrder: number;
      intro: string | null;
      status: 'enabled' | 'disabled';
      level: 'settled';
      levelName: string;
      specialistCount: number;
      createdAt: string;
      updatedAt: string;
      version: number;
    };
  };
  /** DELETE /api/institutions/{id}: 删除金融机构（名下有专管员时 409 INSTITUTION_HAS_SPECIALISTS） */
  deleteInstitution: {
    params: {
      id: number;
    };
    query: Record<string, never>;
    body: undefined;
    response: undefined;
  };
  /** GET /api/institutions/{id}/specialists: 专管员列表（keyword 模糊匹配手机号或姓名） */
  listSpecialists: {
    params: {
      id: number;
    };
    query: {
      page?: number;
      pageSize?: number;
      keyword?: string;
    };
    body: undefined;
    response: {
      items: {
        id: number;
        institutionId: number;
        phone: string;
        realName: string;
        gender: 'male' | 'female' | null;
        department: string | null;
        position: string | null;
        avatarKey: string | null;
        avatarUrl: string | null;
        status: 'enabled' | 'disabled';
        createdAt: string;
        updatedAt: string;
        version: number;
      }[];
      total: number;
      page: number;
      pageSize: number;
    };
  };
  /** POST /api/institutions/{id}/specialists: 添加专管员（手机号在全部专管员中唯一） */
  createSpecialist: {
    params: {
      id: number;
    };
    query: Record<string, never>;
    body: {
      phone: string;
      realName: string;
      gender?: 'male' | 'female';
      department?: string;
      position?: string;
      avatarKey?: string;
      status?: 'enabled' | 'disabled';
    };
    response: {
      id: number;
      institutionId: number;
      phone: string;
      realName: string;
      gender: 'male' | 'female' | null;
      department: string | null;
      position: string | null;
      avatarKey: string | null;
      avatarUrl: string | null;
      status: 'enabled' | 'disabled';
      createdAt: string;
      updatedAt: string;
      version: number;
    };
  };
  /** PATCH /api/institutions/{id}/specialists/{specialistId}: 编辑专管员（含启用/禁用；须带 version） */
  updateSpecialist: {
    params: {
      id: number;
      specialistId: number;
    };
    query: Record<string, never>;
    body: {
      version: number;
      phone?: string;
      realName?: string;
      gender?: 'male' | 'female' | null;
      department?: string | null;
      position?: string | null;
      avatarKey?: string | null;
      status?: 'enabled' | 'disabled';
    };
    response: {
      id: number;
      institutionId: number;
      phone: string;
      realName: string;
      gender: 'male' | 'female' | null;
      department: string | null;
      position: string | null;
      avatarKey: string | null;
      avatarUrl: string | null;
      status: 'enabled' | 'disabled';
      createdAt: string;
      updatedAt: string;
      version: number;
    };
  };
  /** DELETE /api/institutions/{id}/specialists/{specialistId}: 删除专管员（删除后无法登录机构端） */
  deleteSpecialist: {
    params: {
      id: number;
      specialistId: number;
    };
    query: Record<string, never>;
    body: undefined;
    response: undefined;
  };
  /** POST /api/ingest/events: 接收企业端与机构端的业务事件（每批至多 100 条；幂等；按订单生命周期校验） */
  ingestEvents: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: {
      events: {
        id: string;
        type: string;
        occurredAt: string;
        data: unknown;
      }[];
    };
    response: {
      accepted: string[];
      duplicates: string[];
      rejected: {
        id: string;
        code: string;
        message: string;
      }[];
    };
  };
  /** GET /api/stats/summary: 数据中心：地区（默认本级）在某期间的全部指标；compare=true 时另给累计值与同比、环比 */
  getStatsSummary: {
    params: Record<string, never>;
    query: {
      region?: string;
      year?: number;
      month?: number;
      compare?: '0' | '1' | 'true' | 'false';
    };
    body: undefined;
    response: {
      region: {
        code: string;
        name: string;
        level: 'nation' | 'province' | 'city' | 'district';
      };
      period: {
        year: number | null;
        month: number | null;
      };
      metrics: {
        demandCount: number;
        demandAmount: number;
        acceptedCount: number;
        acceptedAmount: number;
        dockingCount: number;
        dockingAmount: number;
        intendedAmount: number;
        loanCount: number;
        loanAmount: number;
        badDebtCount: number;
        enterpriseCount: number;
        institutionCount: number;
        productCount: number;
        successRate: number | null;
        badDebtRate: number | null;
        industryCount: number | null;
      };
      cumulative?: {
        demandCount: number;
        demandAmount: number;
        acceptedCount: number;
        acceptedAmount: number;
        dockingCount: number;
        dockingAmount: number;
        intendedAmount: number;
        loanCount: number;
        loanAmount: number;
        badDebtCount: number;
        enterpriseCount: number;
        institutionCount: number;
        productCount: number;
        successRate: number | null;
        badDebtRate: number | null;
        industryCount: number | null;
      };
      comparison?: {
        basis: {
          year: number | null;
          month: number | null;
        };
        current: {
          demandCount: number;
          demandAmount: number;
          acceptedCount: number;
          acceptedAmount: number;
          dockingCount: number;
          dockingAmount: number;
          intendedAmount: number;
          loanCount: number;
          loanAmount: number;
          badDebtCount: number;
          enterpriseCount: number;
          institutionCount: number;
          productCount: number;
          successRate: number | null;
          badDebtRate: number | null;
          industryCount: number | null;
        };
        yearOnYear: {
          period: {
            year: number | null;
            month: number | null;
          };
          metrics: {
            demandCount: number;
            demandAmount: number;
            acceptedCount: number;
            acceptedAmount: number;
            dockingCount: number;
            dockingAmount: number;
            intendedAmount: number;
            loanCount: number;
            loanAmount: number;
            badDebtCount: number;
            enterpriseCount: number;
            institutionCount: number;
            productCount: number;
            successRate: number | null;
            badDebtRate: number | null;
            industryCount: number | null;
          };
        };
        monthOnMonth: {
          period: {
            year: number | null;
            month: number | null;
          };
          metrics: {
            demandCount: number;
            demandAmount: number;
            acceptedCount: number;
            acceptedAmount: number;
            dockingCount: number;
            dockingAmount: number;
            intendedAmount: number;
            loanCount: number;
            loanAmount: number;
            badDebtCount: number;
            enterpriseCount: number;
            institutionCount: number;
            productCount: number;
            successRate: number | null;
            badDebtRate: number | null;
            industryCount: number | null;
          };
        } | null;
      };
    };
  };
  /** GET /api/stats/trend: 中小微企业融资情况：各年度（或某年各月）需求与放款 */
  getStatsTrend: {
    params: Record<string, never>;
    query: {
      region?: string;
      from?: number;
      to?: number;
      granularity?: 'year' | 'month';
      year?: number;
    };
    body: undefined;
    response: {
      year: number;
      month?: number;
      demandCount: number;
      demandAmount: number;
      loanCount: number;
      loanAmount: number;
    }[];
  };
  /** GET /api/stats/regions: 下级地区（省/市/区县）的指标与开通情况：排行、地图、数据概览 */
  getStatsRegions: {
    params: Record<string, never>;
    query: {
      region?: string;
      year?: number;
      month?: number;
      sort?: 'demandCount' | 'demandAmount' | 'acceptedCount' | 'acceptedAmount' | 'dockingCount' | 'dockingAmount' | 'intendedAmount' | 'loanCount' | 'loanAmount' | 'badDebtCount' | 'enterpriseCount' | 'institutionCount' | 'productCount' | 'successRate' | 'badDebtRate' | 'industryCount' | 'code';
      order?: 'asc' | 'desc';
    };
    body: undefined;
    response: {
      code: string;
      name: string;
      level: 'nation' | 'province' | 'city' | 'district';
      opened: boolean | null;
      openedAt: string | null;
      metrics: {
        demandCount: number;
        demandAmount: number;
        acceptedCount: number;
        acceptedAmount: number;
        dockingCount: number;
        dockingAmount: number;
        intendedAmount: number;
        loanCount: number;
        loanAmount: number;
        badDebtCount: number;
        enterpriseCount: number;
        institutionCount: number;
        productCount: number;
        successRate: number | null;
        badDebtRate: number | null;
        industryCount: number | null;
      };
    }[];
  };
  /** GET /api/stats/industries: 行业分布：20 个门类的需求与放款 */
  getStatsIndustries: {
    params: Record<string, never>;
    query: {
      region?: string;
      year?: number;
      month?: number;
    };
    body: undefined;
    response: {
      code: string;
      name: string;
      demandCount: number;
      demandAmount: number;
      loanCount: number;
      loanAmount: number;
    }[];
  };
  /** GET /api/stats/institutions: 机构数据概览：各金融机构的产品数、受理、放款与正在受理，可按任意列排序；regionBasis 选地区口径（服务企业所在地/机构所在地） */
  getStatsInstitutions: {
    params: Record<string, never>;
    query: {
      region?: string;
      year?: number;
      month?: number;
      page?: number;
      pageSize?: number;
      type?: 'bank' | 'guarantee' | 'insurance' | 'microloan' | 'financial-leasing' | 'factoring' | 'venture-capital' | 'other' | 'consumer-finance' | 'asset-management' | 'trust';
      regionBasis?: 'enterprise' | 'institution';
      sort?: 'productCount' | 'acceptedCount' | 'acceptedAmount' | 'loanCount' | 'loanAmount' | 'dockingCount' | 'dockingAmount' | 'name';
      order?: 'asc' | 'desc';
    };
    body: undefined;
    response: {
      items: {
        institutionId: number;
        name: string;
        shortName: string;
        type: string;
        typeName: string;
        productCount: number;
        acceptedCount: number;
        acceptedAmount: number;
        loanCount: number;
        loanAmount: number;
        dockingCount: number;
        dockingAmount: number;
        logoUrl: string | null;
      }[];
      total: number;
      page: number;
      pageSize: number;
    };
  };
  /** GET /api/stats/institution-rankings: 机构数据排行：七项指标各自的前 N 名（默认 10），一次读取计数器 */
  getStatsInstitutionRankings: {
    params: Record<string, never>;
    query: {
      region?: string;
      year?: number;
      month?: number;
      type?: 'bank' | 'guarantee' | 'insurance' | 'microloan' | 'financial-leasing' | 'factoring' | 'venture-capital' | 'other' | 'consumer-finance' | 'asset-management' | 'trust';
      regionBasis?: 'enterprise' | 'institution';
      top?: number;
    };
    body: undefined;
    response: {
      regionBasis: 'enterprise' | 'institution';
      total: number;
      rankings: {
        productCount: {
          institutionId: number;
          name: string;
          shortName: string;
          type: string;
          typeName: string;
          productCount: number;
          acceptedCount: number;
          acceptedAmount: number;
          loanCount: number;
          loanAmount: number;
          dockingCount: number;
          dockingAmount: number;
        }[];
        acceptedCount: {
          institutionId: number;
          name: string;
          shortName: string;
          type: string;
          typeName: string;
          productCount: number;
          acceptedCount: number;
          acceptedAmount: number;
          loanCount: number;
          loanAmount: number;
          dockingCount: number;
          dockingAmount: number;
        }[];
        acceptedAmount: {
          institutionId: number;
          name: string;
          shortName: string;
          type: string;
          typeName: string;
          productCount: number;
          acceptedCount: number;
          acceptedAmount: number;
          loanCount: number;
          loanAmount: number;
          dockingCount: number;
          dockingAmount: number;
        }[];
        loanCount: {
          institutionId: number;
          name: string;
          shortName: string;
          type: string;
          typeName: string;
          productCount: number;
          acceptedCount: number;
          acceptedAmount: number;
          loanCount: number;
          loanAmount: number;
          dockingCount: number;
          dockingAmount: number;
        }[];
        loanAmount: {
          institutionId: number;
          name: string;
          shortName: string;
          type: string;
          typeName: string;
          productCount: number;
          acceptedCount: number;
          acceptedAmount: number;
          loanCount: number;
          loanAmount: number;
          dockingCount: number;
          dockingAmount: number;
        }[];
        dockingCount: {
          institutionId: number;
          name: string;
          shortName: string;
          type: string;
          typeName: string;
          productCount: number;
          acceptedCount: number;
          acceptedAmount: number;
          loanCount: number;
          loanAmount: number;
          dockingCount: number;
          dockingAmount: number;
        }[];
        dockingAmount: {
          institutionId: number;
          name: string;
          shortName: string;
          type: string;
          typeName: string;
          productCount: number;
          acceptedCount: number;
          acceptedAmount: number;
          loanCount: number;
          loanAmount: number;
          dockingCount: number;
          dockingAmount: number;
        }[];
      };
    };
  };
  /** GET /api/stats/institution-types: 类型统计：各类型金融机构的机构数、产品数、受理与放款 */
  getStatsInstitutionTypes: {
    params: Record<string, never>;
    query: {
      region?: string;
      year?: number;
      month?: number;
    };
    body: undefined;
    response: {
      type: string;
      name: string;
      institutionCount: number;
      productCount: number;
      acceptedCount: number;
      acceptedAmount: number;
      loanCount: number;
      loanAmount: number;
    }[];
  };
  /** GET /api/dynamics/daily: 近 N 天（默认 15 天）每日融资需求、放款、新增企业与新增机构，按日期升序 */
  getDynamicsDaily: {
    params: Record<string, never>;
    query: {
      region?: string;
      days?: number;
    };
    body: undefined;
    response: {
      date: string;
      demandCount: number;
      demandAmount: number;
      loanCount: number;
      loanAmount: number;
      newEnterprises: number;
      newInstitutions: number;
    }[];
  };
  /** GET /api/dynamics/feed: 融资动态：放款、需求、企业与机构入驻，最新在前，游标分页 */
  getDynamicsFeed: {
    params: Record<string, never>;
    query: {
      region?: string;
      kind?: 'loan' | 'demand' | 'enterprise' | 'institution';
      cursor?: string;
      limit?: number;
    };
    body: undefined;
    response: {
      items: {
        time: string;
        kind: 'loan' | 'demand' | 'enterprise' | 'institution';
        title: string;
        enterpriseName: string | null;
        amount: number | null;
        regionCode: string;
        regionName: string;
        institutionName: string | null;
      }[];
      nextCursor: string | null;
    };
  };
  /** POST /api/reports: 报表导出：区域数据概览、机构数据统计、行业分布、账号列表、审计日志、督办超时需求或数据质量预警（本级范围内）生成 Excel，返回 15 分钟有效的下载地址 */
  createReport: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: {
      kind: 'regional-overview' | 'institutions' | 'industries' | 'accounts' | 'audit-log' | 'overdue-demands' | 'quality-warnings';
      region?: string;
      year?: number;
      month?: number;
      regionBasis?: 'enterprise' | 'institution';
      type?: 'bank' | 'guarantee' | 'insurance' | 'microloan' | 'financial-leasing' | 'factoring' | 'venture-capital' | 'other' | 'consumer-finance' | 'asset-management' | 'trust';
      actor?: string;
      action?: string;
      target?: string;
      result?: 'success' | 'failure';
      from?: string;
      to?: string;
      rule?: 'acceptance' | 'decision' | 'loan-amount' | 'late-event' | 'credit-code-names' | 'disabled-institution' | 'retired-district';
      keyword?: string;
      institutionId?: number;
      order?: 'asc' | 'desc';
      status?: 'checked' | 'unchecked';
    };
    response: {
      fileName: string;
      downloadUrl: string;
      expiresAt: string;
    };
  };
  /** GET /api/audit-log: 审计日志：本级范围内的登录、账号与机构变更、审核、导出等安全事件，可按操作人、动作、对象、结果与日期筛选，游标分页 */
  listAuditLog: {
    params: Record<string, never>;
    query: {
      region?: string;
      actor?: string;
      action?: string;
      target?: string;
      result?: 'success' | 'failure';
      from?: string;
      to?: string;
      cursor?: string;
      limit?: number;
    };
    body: undefined;
    response: {
      items: {
        id: string;
        time: string;
        action: string;
        actionName: string;
        result: 'success' | 'failure';
        actor: {
          accountId: number | null;
          name: string | null;
          role: string | null;
          roleName: string | null;
          regionName: string | null;
          phone: string | null;
        };
        sourceIp: string | null;
        target: {
          type: string | null;
          typeName: string | null;
          id: string | null;
        };
        reason: string | null;
        before: Record<string, unknown> | null;
        after: Record<string, unknown> | null;
      }[];
      nextCursor: string | null;
    };
  };
  /** GET /api/supervision/summary: 督办：本级（或下级地区）超时未办的融资需求数（待受理超时、对接超时）与较昨日变化 */
  getSupervisionSummary: {
    params: Record<string, never>;
    query: {
      region?: string;
    };
    body: undefined;
    response: {
      region: {
        code: string;
        name: string;
        level: 'nation' | 'province' | 'city' | 'district';
      };
      basis: {
        today: string;
        calendar: {
          years: number[];
          coversToday: boolean;
        };
        rules: {
          rule: 'acceptance' | 'decision';
          name: string;
          threshold: number;
          unit: 'workdays' | 'days';
          overdueBefore: string;
        }[];
      };
      acceptance: {
        overdue: number;
        overdueAmount: number;
        yesterday: number;
        change: number;
        waiting: number;
        waitingAmount: number;
      };
      decision: {
        overdue: number;
        overdueAmount: number;
        yesterday: number;
        change: number;
        waiting: number;
        waitingAmount: number;
      };
      total: {
        overdue: number;
        overdueAmount: number;
        change: number;
      };
    };
  };
  /** GET /api/supervision/regions: 督办：地区合计与各下级地区的超时需求数（表格与地图） */
  getSupervisionRegions: {
    params: Record<string, never>;
    query: {
      region?: string;
    };
    body: undefined;
    response: {
      region: {
        code: string;
        name: string;
        level: 'nation' | 'province' | 'city' | 'district';
      };
      basis: {
        today: string;
        calendar: {
          years: number[];
          coversToday: boolean;
        };
        rules: {
          rule: 'acceptance' | 'decision';
          name: string;
          threshold: number;
          unit: 'workdays' | 'days';
          overdueBefore: string;
        }[];
      };
      acceptance: {
        overdue: number;
        overdueAmount: number;
        yesterday: number;
        change: number;
        waiting: number;
        waitingAmount: number;
      };
      decision: {
        overdue: number;
        overdueAmount: number;
        yesterday: number;
        change: number;
        waiting: number;
        waitingAmount: number;
      };
      total: {
        overdue: number;
        overdueAmount: number;
        change: number;
      };
      rows: {
        code: string;
        name: string;
        level: 'nation' | 'province' | 'city' | 'district';
        acceptance: {
          overdue: number;
          overdueAmount: number;
          yesterday: number;
          change: number;
          waiting: number;
          waitingAmount: number;
        };
        decision: {
          overdue: number;
          overdueAmount: number;
          yesterday: number;
          change: number;
          waiting: number;
          waitingAmount: number;
        };
        total: {
          overdue: number;
          overdueAmount: number;
          change: number;
        };
      }[];
    };
  };
  /** GET /api/supervision/demands: 督办：超时需求列表（按规则，可按地区、企业名称、受理机构筛选），游标分页 */
  listOverdueDemands: {
    params: Record<string, never>;
    query: {
      region?: string;
      rule?: 'acceptance' | 'decision';
      keyword?: string;
      institutionId?: number;
      order?: 'asc' | 'desc';
      cursor?: string;
      limit?: number;
    };
    body: undefined;
    response: {
      region: {
        code: string;
        name: string;
        level: 'nation' | 'province' | 'city' | 'district';
      };
      rule: 'acceptance' | 'decision';
      overdueBefore: string;
      items: {
        orderId: string;
        enterpriseName: string;
        regionCode: string;
        regionName: string;
        requestedAmount: number;
        submittedAt: string;
        acceptedAt: string | null;
        institutionId: number | null;
        institutionName: string | null;
        waitingSince: string;
        waitingWorkdays: number;
        waitingDays: number;
      }[];
      nextCursor: string | null;
    };
  };
  /** GET /api/supervision/institutions: 督办：对接超时需求最多的金融机构排行（本级企业的订单） */
  getOverdueInstitutions: {
    params: Record<string, never>;
    query: {
      region?: string;
      top?: number;
    };
    body: undefined;
    response: {
      region: {
        code: string;
        name: string;
        level: 'nation' | 'province' | 'city' | 'district';
      };
      total: number;
      items: {
        institutionId: number;
        name: string;
        type: string | null;
        typeName: string | null;
        regionName: string | null;
        overdue: number;
        overdueAmount: number;
        waiting: number;
      }[];
    };
  };
  /** GET /api/data-quality/summary: 数据质量：本级（或下级地区）各规则的预警数、已核查与待核查数（可按年、月） */
  getQualitySummary: {
    params: Record<string, never>;
    query: {
      region?: string;
      year?: number;
      month?: number;
    };
    body: undefined;
    response: {
      region: {
        code: string;
        name: string;
        level: 'nation' | 'province' | 'city' | 'district';
      };
      period: {
        year: number | null;
        month: number | null;
      };
      rules: {
        rule: 'loan-amount' | 'late-event' | 'credit-code-names' | 'disabled-institution' | 'retired-district';
        name: string;
        description: string;
        count: number;
        checked: number;
        unchecked: number;
      }[];
      total: {
        count: number;
        checked: number;
        unchecked: number;
      };
    };
  };
  /** GET /api/data-quality/trend: 数据质量：某年各月各规则的预警数 */
  getQualityTrend: {
    params: Record<string, never>;
    query: {
      region?: string;
      year?: number;
    };
    body: undefined;
    response: {
      region: {
        code: string;
        name: string;
        level: 'nation' | 'province' | 'city' | 'district';
      };
      year: number;
      months: {
        month: number;
        total: number;
        byRule: {
          'loan-amount': number;
          'late-event': number;
          'credit-code-names': number;
          'disabled-institution': number;
          'retired-district': number;
        };
      }[];
    };
  };
  /** GET /api/data-quality/regions: 数据质量：各下级地区的预警数（按规则） */
  getQualityRegions: {
    params: Record<string, never>;
    query: {
      region?: string;
      year?: number;
      month?: number;
    };
    body: undefined;
    response: {
      region: {
        code: string;
        name: string;
        level: 'nation' | 'province' | 'city' | 'district';
      };
      period: {
        year: number | null;
        month: number | null;
      };
      rows: {
        code: string;
        name: string;
        level: 'nation' | 'province' | 'city' | 'district';
        count: number;
        checked: number;
        unchecked: number;
        byRule: {
          'loan-amount': number;
          'late-event': number;
          'credit-code-names': number;
          'disabled-institution': number;
          'retired-district': number;
        };
      }[];
    };
  };
  /** GET /api/data-quality/warnings: 数据质量：预警列表（规则、记录与触发值），可按地区、规则、核查状态与日期筛选，最新在前，游标分页 */
  listQualityWarnings: {
    params: Record<string, never>;
    query: {
      region?: string;
      rule?: 'loan-amount' | 'late-event' | 'credit-code-names' | 'disabled-institution' | 'retired-district';
      status?: 'checked' | 'unchecked';
      from?: string;
      to?: string;
      cursor?: string;
      limit?: number;
    };
    body: undefined;
    response: {
      region: {
        code: string;
        name: string;
        level: 'nation' | 'province' | 'city' | 'district';
      };
      items: {
        rule: 'loan-amount' | 'late-event' | 'credit-code-names' | 'disabled-institution' | 'retired-district';
        ruleName: string;
        recordKind: 'order' | 'enterprise' | 'product';
        recordKindName: string;
        recordId: string;
        name: string;
        regionCode: string;
        regionName: string;
        flaggedAt: string;
        eventId: string;
        values: Record<string, string | number | null>;
        detail: string;
        occurrences: number;
        checked: boolean;
        checkedAt: string | null;
        checkedBy: {
          accountId: number;
          name: string;
        } | null;
        checkNote: string | null;
        version: number;
      }[];
      nextCursor: string | null;
    };
  };
  /** POST /api/data-quality/warnings/check: 数据质量：将一条预警标记为已核查（记录核查人与时间，写入审计日志）；version 须为列表所示版本 */
  checkQualityWarning: {
    params: Record<string, never>;
    query: Record<string, never>;
    body: {
      kind: 'order' | 'enterprise' | 'product';
      id: string;
      rule: 'loan-amount' | 'late-event' | 'credit-code-names' | 'disabled-institution' | 'retired-district';
      version: number;
      note?: string;
    };
    response: {
      rule: 'loan-amount' | 'late-event' | 'credit-code-names' | 'disabled-institution' | 'retired-district';
      ruleName: string;
      recordKind: 'order' | 'enterprise' | 'product';
      recordKindName: string;
      recordId: string;
      name: string;
      regionCode: string;
      regionName: string;
      flaggedAt: string;
      eventId: string;
      values: Record<string, string | number | null>;
      detail: string;
      occurrences: number;
      checked: boolean;
      checkedAt: string | null;
      checkedBy: {
        accountId: number;
        name: string;
      } | null;
      checkNote: string | null;
      version: number;
    };
  };
}

/** Method and path (under `/api`) of every operation. */
export const OPERATIONS = {
  getHealth: { method: 'GET', path: '/health' },
  listRegions: { method: 'GET', path: '/regions' },
  listIndustries: { method: 'GET', path: '/industries' },
  listInstitutionTypes: { method: 'GET', path: '/institution-types' },
  getOpenApiDocument: { method: 'GET', path: '/openapi.json' },
  createCaptcha: { method: 'POST', path: '/auth/captcha' },
  requestSmsCode: { method: 'POST', path: '/auth/sms-codes' },
  login: { method: 'POST', path: '/auth/login' },
  refreshSession: { method: 'POST', path: '/auth/refresh' },
  logout: { method: 'POST', path: '/auth/logout' },
  getMe: { method: 'GET', path: '/me' },
  changeOwnPassword: { method: 'PUT', path: '/me/password' },
  listAccounts: { method: 'GET', path: '/accounts' },
  createAccount: { method: 'POST', path: '/accounts' },
  getAccount: { method: 'GET', path: '/accounts/{id}' },
  updateAccount: { method: 'PATCH', path: '/accounts/{id}' },
  deleteAccount: { method: 'DELETE', path: '/accounts/{id}' },
  batchDeleteAccounts: { method: 'POST', path: '/accounts/batch-delete' },
  auditAccount: { method: 'POST', path: '/accounts/{id}/audit' },
  createUpload: { method: 'POST', path: '/uploads' },
  listInstitutions: { method: 'GET', path: '/institutions' },
  createInstitution: { method: 'POST', path: '/institutions' },
  getInstitution: { method: 'GET', path: '/institutions/{id}' },
  updateInstitution: { method: 'PATCH', path: '/institutions/{id}' },
  deleteInstitution: { method: 'DELETE', path: '/institutions/{id}' },
  listSpecialists: { method: 'GET', path: '/institutions/{id}/specialists' },
  createSpecialist: { method: 'POST', path: '/institutions/{id}/specialists' },
  updateSpecialist: { method: 'PATCH', path: '/institutions/{id}/specialists/{specialistId}' },
  deleteSpecialist: { method: 'DELETE', path: '/institutions/{id}/specialists/{specialistId}' },
  ingestEvents: { method: 'POST', path: '/ingest/events' },
  getStatsSummary: { method: 'GET', path: '/stats/summary' },
  getStatsTrend: { method: 'GET', path: '/stats/trend' },
  getStatsRegions: { method: 'GET', path: '/stats/regions' },
  getStatsIndustries: { method: 'GET', path: '/stats/industries' },
  getStatsInstitutions: { method: 'GET', path: '/stats/institutions' },
  getStatsInstitutionRankings: { method: 'GET', path: '/stats/institution-rankings' },
  getStatsInstitutionTypes: { method: 'GET', path: '/stats/institution-types' },
  getDynamicsDaily: { method: 'GET', path: '/dynamics/daily' },
  getDynamicsFeed: { method: 'GET', path: '/dynamics/feed' },
  createReport: { method: 'POST', path: '/reports' },
  listAuditLog: { method: 'GET', path: '/audit-log' },
  getSupervisionSummary: { method: 'GET', path: '/supervision/summary' },
  getSupervisionRegions: { method: 'GET', path: '/supervision/regions' },
  listOverdueDemands: { method: 'GET', path: '/supervision/demands' },
  getOverdueInstitutions: { method: 'GET', path: '/supervision/institutions' },
  getQualitySummary: { method: 'GET', path: '/data-quality/summary' },
  getQualityTrend: { method: 'GET', path: '/data-quality/trend' },
  getQualityRegions: { method: 'GET', path: '/data-quality/regions' },
  listQualityWarnings: { method: 'GET', path: '/data-quality/warnings' },
  checkQualityWarning: { method: 'POST', path: '/data-quality/warnings/check' },
} as const satisfies Record<keyof Operations, { method: string; path: string }>;
